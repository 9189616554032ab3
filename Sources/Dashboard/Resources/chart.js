// telemetry-bridge dashboard, the device page's charts (SVG): ticks, segments, drawing.
import { DAY, HOUR, MINUTE } from './constants.js';
import { h, s, setContent } from './dom.js';
import { MONTHS, formatTime, formatUnit, formatValue, pad } from './format.js';

export const TIME_STEPS = [
  1000, 5000, 15000, 30000, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY,
];

/** Round-number ticks covering [lo, hi]. */
export function valueTicks(lo, hi, count) {
  const span = hi - lo;
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) || raw;
  const first = Math.floor(lo / step) * step;
  const last = Math.ceil(hi / step) * step;
  const ticks = [];
  for (let v = first; v <= last + step / 2; v += step) ticks.push(Math.abs(v) < step / 1e6 ? 0 : v);
  return { ticks, lo: first, hi: last, step };
}

/** Local-time aligned ticks between `from` and `to`, about one per `spacing` of `width` pixels. */
export function timeTicks(from, to, width, spacing = 110) {
  const wanted = Math.max(2, Math.floor(width / spacing));
  const raw = (to - from) / wanted;
  const ticks = [];
  if (raw > 20 * DAY) {
    const monthsPerTick = raw > 200 * DAY ? 12 : raw > 80 * DAY ? 3 : 1;
    const d = new Date(from);
    d.setDate(1);
    d.setHours(0, 0, 0, 0);
    while (d.getTime() <= to) {
      if (d.getTime() >= from && d.getMonth() % monthsPerTick === 0) ticks.push({ t: d.getTime(), kind: 'month' });
      d.setMonth(d.getMonth() + 1);
    }
    return ticks;
  }
  const step = TIME_STEPS.find((candidate) => candidate >= raw) || 14 * DAY;
  if (step >= DAY) {
    const d = new Date(from);
    d.setHours(0, 0, 0, 0);
    const days = step / DAY;
    while (d.getTime() <= to) {
      const dayIndex = Math.round(d.getTime() / DAY);
      if (d.getTime() >= from && dayIndex % days === 0) ticks.push({ t: d.getTime(), kind: 'day' });
      d.setDate(d.getDate() + 1);
    }
    return ticks;
  }
  const offset = new Date(from).getTimezoneOffset() * MINUTE;
  let t = Math.ceil((from - offset) / step) * step + offset;
  for (; t <= to; t += step) ticks.push({ t, kind: step < MINUTE ? 'second' : 'minute' });
  return ticks;
}

export function tickLabel(tick, rangeSpan) {
  const d = new Date(tick.t);
  if (tick.kind === 'month') return d.getMonth() === 0 ? String(d.getFullYear()) : MONTHS[d.getMonth()];
  if (tick.kind === 'day') return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  const clock = tick.kind === 'second'
    ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
    : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (rangeSpan > DAY && d.getHours() === 0 && d.getMinutes() === 0) return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  return clock;
}

/** Splits points where the gap is much wider than the typical spacing, so gaps stay visible. */
export function segments(points) {
  if (points.length < 2) return points.length ? [points] : [];
  const gaps = [];
  for (let i = 1; i < points.length; i++) gaps.push(points[i].time - points[i - 1].time);
  const sorted = [...gaps].sort((a, b) => a - b);
  const typical = sorted[Math.floor(sorted.length / 2)];
  const result = [[points[0]]];
  for (let i = 1; i < points.length; i++) {
    if (gaps[i - 1] > typical * 3 + 1) result.push([]);
    result[result.length - 1].push(points[i]);
  }
  return result;
}

/**
 * Draws one metric's chart into `box`: min/max envelope, avg line, alert bands, axes.
 * `data` = {metric, unit, from, to, points:[{time,min,max,avg,count}], bands:[{from,to,firing,alert,...}],
 * draftBands?:[{from,to,alert}]} (a backtested draft's alerts: a strip along the bottom of the plot).
 */
export function drawChart(box, data) {
  box.replaceChildren();
  const width = Math.max(280, Math.floor(box.clientWidth || 640));
  const height = width < 520 ? 200 : 240;
  const { from, to, points } = data;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.min, p.avg);
    hi = Math.max(hi, p.max, p.avg);
  }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  if (hi - lo < 1e-9) {
    const padding = Math.abs(hi) > 1 ? Math.abs(hi) * 0.05 : 1;
    lo -= padding;
    hi += padding;
  }
  const scale = valueTicks(lo, hi, height < 220 ? 4 : 5);
  const decimals = [0, 1, 2, 3, 4, 5, 6].find((d) => Math.abs(Math.round(scale.step * 10 ** d) - scale.step * 10 ** d) < 1e-6) ?? 6;
  const tickTexts = scale.ticks.map((v) => v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }));
  const left = Math.max(36, 12 + 7 * Math.max(...tickTexts.map((text) => text.length)));
  const margin = { left, right: 14, top: 22, bottom: 26 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (t) => margin.left + ((t - from) / Math.max(1, to - from)) * plotWidth;
  const y = (v) => margin.top + (1 - (v - scale.lo) / Math.max(1e-12, scale.hi - scale.lo)) * plotHeight;
  const clampX = (t) => Math.min(margin.left + plotWidth, Math.max(margin.left, x(t)));

  const svg = s('svg', {
    class: 'chart', 'data-metric': data.metric, width, height, viewBox: `0 0 ${width} ${height}`,
    role: 'img', 'aria-label': `${data.metric} from ${formatTime(from)} to ${formatTime(to)}`,
  });
  const clipId = `clip-${Math.random().toString(36).slice(2)}`;
  svg.append(s('defs', null, s('clipPath', { id: clipId },
    s('rect', { x: margin.left, y: margin.top, width: plotWidth, height: plotHeight }))));

  // Grid and value axis.
  const grid = s('g', { class: 'grid' });
  const axisY = s('g', { class: 'axis axis-y' });
  scale.ticks.forEach((v, i) => {
    const yy = y(v).toFixed(1);
    grid.append(s('line', { x1: margin.left, x2: margin.left + plotWidth, y1: yy, y2: yy }));
    axisY.append(s('text', { x: margin.left - 6, y: yy, dy: '0.32em', 'text-anchor': 'end' }, tickTexts[i]));
  });
  const axisX = s('g', { class: 'axis axis-x' });
  for (const tick of timeTicks(from, to, plotWidth)) {
    const xx = x(tick.t).toFixed(1);
    grid.append(s('line', { x1: xx, x2: xx, y1: margin.top, y2: margin.top + plotHeight, class: 'vertical' }));
    axisX.append(s('text', { x: xx, y: margin.top + plotHeight + 17, 'text-anchor': 'middle' }, tickLabel(tick, to - from)));
  }
  svg.append(grid);

  // Alert bands under the data.
  const bands = s('g', { class: 'bands', 'clip-path': `url(#${clipId})` });
  for (const band of data.bands) {
    if (band.to < from || band.from > to) continue;
    const x0 = clampX(band.from);
    const x1 = Math.max(x0 + 4, clampX(band.to));
    const title = `${band.alert}${band.severity ? ` (${band.severity})` : ''}: ${formatTime(band.from)} → ${band.firing ? 'still firing' : formatTime(band.to)}`;
    bands.append(s('rect', {
      class: `alert-band ${band.firing ? 'firing' : 'cleared'}`, 'data-alert': band.alert, 'data-alert-id': band.id,
      x: x0.toFixed(1), y: margin.top, width: (x1 - x0).toFixed(1), height: plotHeight,
    }, s('title', null, title)));
    bands.append(s('line', { class: `band-edge ${band.firing ? 'firing' : 'cleared'}`, x1: x0.toFixed(1), x2: x0.toFixed(1), y1: margin.top, y2: margin.top + plotHeight }));
    if (x1 - x0 > 56) {
      bands.append(s('text', { class: `band-label ${band.firing ? 'firing' : 'cleared'}`, x: (x0 + 4).toFixed(1), y: margin.top + 12 }, band.alert));
    }
  }
  svg.append(bands);

  // A backtested draft's alerts, as a strip under the live bands.
  if (data.draftBands && data.draftBands.length) {
    const strip = s('g', { class: 'draft-bands', 'clip-path': `url(#${clipId})` });
    for (const band of data.draftBands) {
      if (band.to < from || band.from > to) continue;
      const x0 = clampX(band.from);
      const x1 = Math.max(x0 + 3, clampX(band.to));
      strip.append(s('rect', {
        class: 'draft-band', 'data-alert': band.alert, x: x0.toFixed(1), y: (margin.top + plotHeight - 10).toFixed(1),
        width: (x1 - x0).toFixed(1), height: 10,
      }, s('title', null, `draft ${band.alert}: ${formatTime(band.from)} → ${band.firing ? 'still firing' : formatTime(band.to)}`)));
    }
    svg.append(strip);
  }

  // Envelope and average.
  const data_ = s('g', { class: 'series', 'clip-path': `url(#${clipId})` });
  const parts = segments(points);
  const envelope = parts.map((part) => {
    const xs = part.map((p) => x(p.time));
    const widen = part.length === 1 ? 1.5 : 0;
    const top = part.map((p, i) => `${i ? 'L' : 'M'}${(xs[i] - widen).toFixed(1)},${y(p.max).toFixed(1)}${widen ? `L${(xs[i] + widen).toFixed(1)},${y(p.max).toFixed(1)}` : ''}`).join('');
    const bottom = part.map((p, i) => `L${(xs[i] + widen).toFixed(1)},${y(p.min).toFixed(1)}${widen ? `L${(xs[i] - widen).toFixed(1)},${y(p.min).toFixed(1)}` : ''}`).reverse().join('');
    return `${top}${bottom}Z`;
  }).join('');
  data_.append(s('path', { class: 'envelope', d: envelope || 'M0,0', 'data-points': points.length }));
  const avg = parts.map((part) => part.map((p, i) => `${i ? 'L' : 'M'}${x(p.time).toFixed(1)},${y(p.avg).toFixed(1)}`).join('')).join('');
  data_.append(s('path', { class: 'avg', d: avg || 'M0,0', 'data-points': points.length }));
  for (const part of parts) {
    if (part.length === 1) data_.append(s('circle', { class: 'avg-dot', cx: x(part[0].time).toFixed(1), cy: y(part[0].avg).toFixed(1), r: 2.5 }));
  }
  svg.append(data_);

  svg.append(s('line', { class: 'axis-line', x1: margin.left, x2: margin.left + plotWidth, y1: margin.top + plotHeight, y2: margin.top + plotHeight }));
  svg.append(axisY, axisX);
  svg.append(s('text', { class: 'unit-label', x: margin.left - 6, y: 12, 'text-anchor': 'end' }, formatUnit(data.unit)));
  if (points.length === 0) {
    svg.append(s('text', { class: 'no-data', x: margin.left + plotWidth / 2, y: margin.top + plotHeight / 2, 'text-anchor': 'middle' },
      'No readings in this range'));
  }

  // Hover read-out.
  const cursor = s('g', { class: 'cursor', visibility: 'hidden' },
    s('line', { y1: margin.top, y2: margin.top + plotHeight }), s('circle', { r: 3.5 }));
  svg.append(cursor);
  const overlay = s('rect', { class: 'overlay', x: margin.left, y: margin.top, width: plotWidth, height: plotHeight });
  svg.append(overlay);
  const tip = h('div', { class: 'chart-tip', hidden: true });
  const hide = () => { cursor.setAttribute('visibility', 'hidden'); tip.hidden = true; };
  overlay.addEventListener('pointerleave', hide);
  overlay.addEventListener('pointermove', (event) => {
    if (points.length === 0) return;
    const rect = svg.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * width;
    const t = from + ((px - margin.left) / plotWidth) * (to - from);
    let low = 0;
    let high = points.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (points[mid].time < t) low = mid + 1; else high = mid;
    }
    if (low > 0 && Math.abs(points[low - 1].time - t) < Math.abs(points[low].time - t)) low -= 1;
    const p = points[low];
    const cx = x(p.time);
    cursor.setAttribute('visibility', 'visible');
    cursor.firstChild.setAttribute('x1', cx);
    cursor.firstChild.setAttribute('x2', cx);
    cursor.lastChild.setAttribute('cx', cx);
    cursor.lastChild.setAttribute('cy', y(p.avg));
    const unit = formatUnit(data.unit);
    setContent(tip,
      h('div', { class: 'tip-time' }, formatTime(p.time)),
      h('div', null, h('strong', null, `${formatValue(p.avg)} ${unit}`), ' avg'),
      h('div', { class: 'muted' }, `${formatValue(p.min)} – ${formatValue(p.max)} ${unit}`),
      p.count ? h('div', { class: 'muted' }, `${p.count} reading${p.count === 1 ? '' : 's'}`) : null);
    tip.hidden = false;
    const share = cx / width;
    tip.style.left = `${(share * 100).toFixed(2)}%`;
    tip.style.transform = share > 0.6 ? 'translateX(calc(-100% - 10px))' : 'translateX(10px)';
  });
  box.append(svg, tip);
}
