// telemetry-bridge dashboard: a single page app over the JSON API, no dependencies.
// Every string from the API reaches the page through textContent or setAttribute, never as markup.
'use strict';

(() => {
  // The SVG namespace, taken from the HTML parser (a constant, no data involved).
  const SVG_NS = (() => {
    const template = document.createElement('template');
    template.innerHTML = '<svg></svg>';
    return template.content.firstChild.namespaceURI;
  })();

  const MINUTE = 60000;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;
  const RANGES = [['1h', HOUR], ['24h', DAY], ['7d', 7 * DAY], ['30d', 30 * DAY], ['1y', 365 * DAY]];
  const LIST_LIMIT = 1000;
  const DEAD_LETTER_REASONS = [
    'unknown_topic', 'unknown_metric', 'payload_too_large', 'invalid_utf8', 'malformed_json', 'unexpected_shape',
    'missing_metric', 'not_a_number', 'non_finite', 'out_of_range', 'invalid_timestamp', 'unit_mismatch',
    'implausible_timestamp', 'device_limit', 'device_not_allowed',
  ];

  // ---------------------------------------------------------------- DOM helpers

  function build(element, attrs, children) {
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (key === 'text') element.textContent = String(value);
        else if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
        else element.setAttribute(key, value === true ? '' : String(value));
      }
    }
    append(element, children);
    return element;
  }

  function append(element, children) {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) append(element, child);
      else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  /** Replaces `element`'s children (null/false children are skipped, arrays flattened). */
  function setContent(element, ...children) {
    element.replaceChildren();
    append(element, children);
  }

  /** An HTML element. */
  const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
  /** An SVG element. */
  const s = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

  // ---------------------------------------------------------------- formatting

  const pad = (n, width = 2) => String(n).padStart(width, '0');
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  /** Milliseconds since the epoch from epoch ms (number or digits) or ISO 8601 text; null if neither. */
  function parseTime(value) {
    if (value === null || value === undefined || value === '') return null;
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    const text = String(value).trim();
    if (/^-?\d+$/.test(text)) return Number(text);
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  }

  function formatTime(ms) {
    if (ms === null || ms === undefined) return '—';
    const d = new Date(ms);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  function timeZoneLabel(ms) {
    const offset = -new Date(ms).getTimezoneOffset();
    if (offset === 0) return 'UTC';
    const sign = offset > 0 ? '+' : '−';
    return `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  }

  /** "5 min ago" relative to `reference`. */
  function formatAgo(ms, reference) {
    if (ms === null || ms === undefined) return 'never';
    const delta = reference - ms;
    if (delta < -1000) return `${formatDuration(-delta)} ahead`;
    if (delta < 5000) return state.at === null ? 'just now' : 'at that moment';
    return `${formatDuration(delta)} ${state.at === null ? 'ago' : 'before'}`;
  }

  function formatDuration(ms) {
    const seconds = Math.round(ms / 1000);
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return `${minutes} min`;
    const hours = ms / HOUR;
    if (hours < 48) return `${hours < 10 ? Math.round(hours * 10) / 10 : Math.round(hours)} h`;
    return `${Math.round(ms / DAY)} d`;
  }

  function formatValue(value) {
    if (value === null || value === undefined || !Number.isFinite(value)) return '—';
    const magnitude = Math.abs(value);
    const digits = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3;
    const text = value.toLocaleString('en-US', { maximumFractionDigits: digits });
    return /^-0(\.0*)?$/.test(text) ? '0' : text; // -0.0001 rounds to "-0"
  }

  const UNIT_NAMES = { Cel: '°C', '[degF]': '°F', K: 'K' };
  const formatUnit = (unit) => (unit ? UNIT_NAMES[unit] || unit : '');

  /** The value of a datetime-local input for `ms` (local time). */
  function localInputValue(ms) {
    const d = new Date(ms);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  /** Milliseconds from a datetime-local input value (local time), or null. */
  function fromLocalInput(value) {
    if (!value) return null;
    const ms = new Date(value).getTime();
    return Number.isNaN(ms) ? null : ms;
  }

  const isoTime = (ms) => new Date(ms).toISOString();

  // ---------------------------------------------------------------- URL state

  const state = {
    at: null, // time travel target (ms) or null for now
    live: false, // whether the live event stream is wanted
    paused: false, // live=0 in the URL
  };

  function readUrlState() {
    const params = new URLSearchParams(location.search);
    state.at = parseTime(params.get('at'));
    state.paused = params.get('live') === '0';
    state.live = state.at === null && !state.paused;
  }

  /** The moment the view shows: T when time travelling, else now. */
  const viewTime = () => (state.at === null ? Date.now() : state.at);

  /** A link inside the app that keeps the time travel (`at`) and `live=0`. */
  function appHref(path, query = {}) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
    }
    if (state.at !== null) params.set('at', isoTime(state.at));
    if (state.paused) params.set('live', '0');
    const search = readableQuery(params);
    return search ? `${path}?${search}` : path;
  }

  const deviceHref = (id) => appHref(`/devices/${encodeURIComponent(id)}`);

  /** Query text with the colons of times left readable (they need no escaping in a query). */
  const readableQuery = (params) => params.toString().replace(/%3A/gi, ':');

  function navigate(url, replace = false) {
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    route();
  }

  // ---------------------------------------------------------------- API

  class APIError extends Error {
    constructor(status, message, parameter) {
      super(message);
      this.status = status;
      this.parameter = parameter;
    }
  }

  async function api(path, query = {}) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    const response = await fetch(search ? `${path}?${search}` : path, { headers: { Accept: 'application/json' } });
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (!response.ok) {
      const message = body && body.error ? body.error : `${response.status} ${response.statusText}`;
      throw new APIError(response.status, message, body && body.parameter);
    }
    return body;
  }

  // ---------------------------------------------------------------- shared widgets

  function errorBox(error) {
    const text = error instanceof APIError
      ? `The server answered ${error.status}: ${error.message}${error.parameter ? ` (parameter “${error.parameter}”)` : ''}`
      : `Could not load: ${error && error.message ? error.message : error}`;
    return h('div', { class: 'error-box', role: 'alert' }, text);
  }

  function labelChips(labels) {
    const entries = Object.entries(labels || {}).sort(([a], [b]) => a.localeCompare(b));
    if (entries.length === 0) return h('span', { class: 'muted' }, '—');
    return h('span', { class: 'labels' },
      entries.map(([key, value]) => h('span', { class: 'chip', title: `${key}=${value}` },
        h('span', { class: 'chip-key' }, key), h('span', { class: 'chip-value' }, value))));
  }

  function alertBadge(kind, alert) {
    const since = parseTime(kind === 'firing' ? alert.at : alert.since);
    const title = kind === 'firing'
      ? `${alert.alert} firing since ${formatTime(since)}${alert.severity ? ` (${alert.severity})` : ''}`
      : `${alert.alert} pending since ${formatTime(since)}`;
    return h('span', {
      class: `badge ${kind}-alert`, 'data-severity': alert.severity || null,
      'data-alert': alert.alert, 'data-device': alert.device, 'data-alert-id': kind === 'firing' ? alert.id : null, title,
    }, h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), alert.alert);
  }

  /** A list of the first `shown` items, the rest behind a "N more" toggle. */
  function foldList(items, shown, render) {
    const list = h('ul', null, items.slice(0, shown).map(render));
    if (items.length <= shown) return list;
    return [list, h('details', { class: 'more' },
      h('summary', null, `${items.length - shown} more`), h('ul', null, items.slice(shown).map(render)))];
  }

  function timeCell(ms, reference) {
    return h('td', { class: 'time', 'data-t': ms === null ? null : isoTime(ms), title: ms === null ? null : formatTime(ms) },
      ms === null ? '—' : formatAgo(ms, reference));
  }

  function pageHeader(title, ...extra) {
    return h('div', { class: 'page-head' }, h('h1', null, title), extra);
  }

  function emptyRow(columns, text) {
    return h('tr', { class: 'empty' }, h('td', { colspan: columns, class: 'muted' }, text));
  }

  /** A value with its unit, as shown in tables. */
  function valueWithUnit(value, unit) {
    return [h('span', { class: 'num' }, formatValue(value)), unit ? h('span', { class: 'unit' }, formatUnit(unit)) : null];
  }

  // ---------------------------------------------------------------- sparkline

  const SPARK_WIDTH = 96;
  const SPARK_HEIGHT = 24;

  /** A sparkline's left edge: its first point, within the 24 h before `end` and at least an hour back. */
  function sparkStart(points, end) {
    const first = points.length ? points[0].time : end - DAY;
    return Math.min(end - HOUR, Math.max(end - DAY, first));
  }

  function sparkline(points, from, to) {
    const svg = s('svg', {
      class: 'sparkline', width: SPARK_WIDTH, height: SPARK_HEIGHT, viewBox: `0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`,
      'data-points': points.length, 'aria-hidden': 'true',
    });
    if (points.length === 0) {
      svg.classList.add('empty');
      svg.append(s('line', { x1: 0, x2: SPARK_WIDTH, y1: SPARK_HEIGHT / 2, y2: SPARK_HEIGHT / 2, class: 'spark-none' }));
      return svg;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      lo = Math.min(lo, p.min, p.avg);
      hi = Math.max(hi, p.max, p.avg);
    }
    if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
    const x = (t) => 1 + ((t - from) / Math.max(1, to - from)) * (SPARK_WIDTH - 2);
    const y = (v) => SPARK_HEIGHT - 2 - ((v - lo) / (hi - lo)) * (SPARK_HEIGHT - 4);
    const xs = points.map((p) => x(p.time));
    const top = points.map((p, i) => `${i ? 'L' : 'M'}${xs[i].toFixed(1)},${y(p.max).toFixed(1)}`).join('');
    const bottom = points.map((p, i) => `L${xs[i].toFixed(1)},${y(p.min).toFixed(1)}`).reverse().join('');
    svg.append(s('path', { class: 'spark-band', d: `${top}${bottom}Z` }));
    svg.append(s('path', {
      class: 'spark-line', 'data-points': points.length,
      d: points.map((p, i) => `${i ? 'L' : 'M'}${xs[i].toFixed(1)},${y(p.avg).toFixed(1)}`).join(''),
    }));
    const last = points[points.length - 1];
    svg.append(s('circle', { class: 'spark-last', cx: xs[xs.length - 1].toFixed(1), cy: y(last.avg).toFixed(1), r: 2 }));
    return svg;
  }

  // ---------------------------------------------------------------- chart

  const TIME_STEPS = [
    1000, 5000, 15000, 30000, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
    DAY, 2 * DAY, 7 * DAY, 14 * DAY,
  ];

  /** Round-number ticks covering [lo, hi]. */
  function valueTicks(lo, hi, count) {
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
  function timeTicks(from, to, width, spacing = 110) {
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

  function tickLabel(tick, rangeSpan) {
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
  function segments(points) {
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
   * `data` = {metric, unit, from, to, points:[{time,min,max,avg,count}], bands:[{from,to,firing,alert,...}]}.
   */
  function drawChart(box, data) {
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

  // ---------------------------------------------------------------- alerts: pairing raised and cleared

  /** Bands from raised/cleared events plus the alerts firing at the end of the range. */
  function alertSpans(events, firingAtEnd, end) {
    const spans = new Map();
    const ensure = (id) => {
      if (!spans.has(id)) spans.set(id, { id, alert: null, device: null, severity: null, from: null, to: null, firing: false, message: null, value: null, clearValue: null });
      return spans.get(id);
    };
    for (const event of events) {
      if (event.type === 'AlertRaised') {
        const span = ensure(event.id);
        Object.assign(span, {
          alert: event.alert, device: event.device, severity: event.severity || null,
          from: parseTime(event.at), message: event.message || null, value: event.value ?? null,
        });
      } else if (event.type === 'AlertCleared' && event.raisedId) {
        const span = ensure(event.raisedId);
        span.to = parseTime(event.at);
        span.clearValue = event.value ?? null;
        span.alert = span.alert || event.alert || null;
        span.device = span.device || event.device || null;
        if (span.from === null) span.from = parseTime(event.raisedAt);
      }
    }
    for (const event of firingAtEnd) {
      const span = ensure(event.id);
      Object.assign(span, {
        alert: event.alert, device: event.device, severity: event.severity || null,
        from: parseTime(event.at), message: event.message || null, value: event.value ?? null, to: null,
      });
    }
    const result = [];
    for (const span of spans.values()) {
      if (span.from === null) continue;
      span.firing = span.to === null;
      if (span.firing) span.to = end;
      result.push(span);
    }
    return result.sort((a, b) => b.from - a.from);
  }

  // ---------------------------------------------------------------- pages

  /** Fleet overview: one `/api/overview` request. */
  function overviewPage() {
    const cells = new Map(); // "device\0metric" -> {cell, points, unit}
    const rows = new Map(); // device -> {row, lastSeenCell, alertsCell, lastSeen}
    let model = null;
    let root = null;
    let filterText = '';

    function alertsCell(device) {
      const firing = model.firing.filter((a) => a.device === device);
      const pending = model.pending.filter((a) => a.device === device);
      return h('td', { class: 'alerts' },
        firing.length + pending.length === 0 ? h('span', { class: 'ok', title: 'No alerts' }, 'OK') : null,
        firing.map((a) => alertBadge('firing', a)), pending.map((a) => alertBadge('pending', a)));
    }

    function summary() {
      const reference = model.at;
      const lastReading = Math.max(-Infinity, ...model.devices.map((d) => d.lastSeen ?? -Infinity));
      return h('div', { class: 'summary', id: 'overview-summary' },
        h('div', { class: 'stat' }, h('span', { class: 'stat-value', id: 'device-count' }, model.devices.length), h('span', { class: 'stat-label' }, 'devices')),
        h('div', { class: `stat ${model.firing.length ? 'stat-firing' : ''}` }, h('span', { class: 'stat-value', id: 'firing-count' }, model.firing.length), h('span', { class: 'stat-label' }, 'firing')),
        h('div', { class: `stat ${model.pending.length ? 'stat-pending' : ''}` }, h('span', { class: 'stat-value', id: 'pending-count' }, model.pending.length), h('span', { class: 'stat-label' }, 'pending')),
        h('div', { class: 'stat' }, h('span', { class: 'stat-value small', title: Number.isFinite(lastReading) ? formatTime(lastReading) : '' },
          Number.isFinite(lastReading) ? formatAgo(lastReading, reference) : 'never'), h('span', { class: 'stat-label' }, 'last reading')));
    }

    function firingList() {
      if (model.firing.length === 0) return null;
      return h('section', { class: 'firing-list', 'aria-label': 'Firing alerts' },
        h('h2', null, state.at === null ? 'Firing now' : 'Firing at this time'),
        foldList(model.firing, 5, (a) => h('li', null,
          h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), ' ',
          h('strong', null, a.alert), ' on ', h('a', { href: deviceHref(a.device), 'data-nav': true }, a.device),
          a.severity ? [' ', h('span', { class: `severity severity-${a.severity}` }, a.severity)] : null,
          h('span', { class: 'muted' }, ` · since ${formatTime(parseTime(a.at))}`),
          a.message ? h('span', { class: 'message' }, ` · ${a.message}`) : null)));
    }

    function metricCell(device, metric) {
      const key = `${device.id}\u0000${metric.metric}`;
      const points = (metric.sparkline || []).map((p) => ({ time: parseTime(p.t), min: p.min, max: p.max, avg: p.avg, n: 1 }));
      const entry = { cell: null, points, unit: metric.unit, value: metric.value, t: parseTime(metric.t) };
      entry.cell = h('td', { class: 'value', 'data-metric': metric.metric });
      cells.set(key, entry);
      paintMetric(entry);
      return entry.cell;
    }

    function paintMetric(entry) {
      const stale = entry.t !== null && model.at - entry.t > HOUR;
      entry.cell.classList.toggle('stale', stale);
      entry.cell.setAttribute('data-value', entry.value === null || entry.value === undefined ? '' : String(entry.value));
      if (entry.t !== null) entry.cell.setAttribute('data-t', isoTime(entry.t));
      if (entry.t !== null) entry.cell.setAttribute('title', `${formatTime(entry.t)}${stale ? ' (over an hour old)' : ''}`);
      setContent(entry.cell, h('div', { class: 'metric' },
        h('span', { class: 'reading' }, valueWithUnit(entry.value, entry.unit)),
        sparkline(entry.points, sparkStart(entry.points, model.at), model.at)));
    }

    function deviceRow(device, metricNames) {
      const byMetric = new Map(device.metrics.map((m) => [m.metric, m]));
      const lastSeenCell = timeCell(device.lastSeen, model.at);
      const alerts = alertsCell(device.id);
      const row = h('tr', {
        'data-device': device.id, 'data-type': device.type,
        class: device.firing > 0 || model.firing.some((a) => a.device === device.id) ? 'has-firing' : null,
      },
      h('th', { scope: 'row', class: 'device' }, h('a', { href: deviceHref(device.id), 'data-nav': true }, device.id)),
      h('td', { class: 'labels-cell' }, labelChips(device.labels)),
      lastSeenCell,
      metricNames.map((name) => (byMetric.has(name) ? metricCell(device, byMetric.get(name)) : h('td', { class: 'value none', 'data-metric': name }, h('span', { class: 'muted' }, '—')))),
      alerts);
      row.dataset.search = [device.id, device.type, ...Object.entries(device.labels || {}).map(([k, v]) => `${k}=${v}`)].join(' ').toLowerCase();
      rows.set(device.id, { row, lastSeenCell, alerts, lastSeen: device.lastSeen });
      return row;
    }

    function typeTable(type, devices) {
      const metricNames = [...new Set(devices.flatMap((d) => d.metrics.map((m) => m.metric)))].sort();
      return h('section', { class: 'type-group', 'data-type': type },
        h('h2', null, type, h('span', { class: 'count' }, `${devices.length} device${devices.length === 1 ? '' : 's'}`)),
        h('div', { class: 'table-wrap' }, h('table', { class: 'overview-table' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Device'), h('th', { scope: 'col' }, 'Labels'), h('th', { scope: 'col' }, 'Last seen'),
            metricNames.map((name) => h('th', { scope: 'col', class: 'metric-head' }, name)),
            h('th', { scope: 'col' }, 'Alerts'))),
          h('tbody', null, devices.map((d) => deviceRow(d, metricNames))))));
    }

    function applyFilter() {
      const needle = filterText.trim().toLowerCase();
      for (const { row } of rows.values()) row.hidden = needle !== '' && !row.dataset.search.includes(needle);
      for (const group of root.querySelectorAll('.type-group')) {
        group.hidden = [...group.querySelectorAll('tbody tr')].every((row) => row.hidden);
      }
    }

    function renderAll(main) {
      cells.clear();
      rows.clear();
      const byType = new Map();
      for (const device of model.devices) {
        if (!byType.has(device.type)) byType.set(device.type, []);
        byType.get(device.type).push(device);
      }
      const filter = h('input', {
        type: 'search', id: 'device-filter', placeholder: 'Filter by device, type or label', 'aria-label': 'Filter devices', value: filterText,
        oninput: (event) => { filterText = event.target.value; applyFilter(); },
      });
      root = h('div', { id: 'overview', 'data-at': isoTime(model.at) },
        [...byType.keys()].sort().map((type) => typeTable(type, byType.get(type))));
      setContent(main,
        pageHeader('Fleet overview', h('span', { class: 'subtitle' }, state.at === null ? 'now' : `at ${formatTime(model.at)}`)),
        summary(),
        firingList(),
        model.devices.length ? h('div', { class: 'toolbar' }, filter) : null,
        model.devices.length ? root : h('p', { class: 'empty-state' }, state.at === null ? 'No devices yet. They appear with their first message.' : 'No devices had reported by this time.'));
      if (!model.devices.length) root = h('div', { id: 'overview' });
      applyFilter();
    }

    async function load() {
      const data = await api('/api/overview', { at: state.at });
      model = {
        at: parseTime(data.at) ?? viewTime(),
        devices: (data.devices || []).map((d) => ({ ...d, lastSeen: parseTime(d.lastSeen), metrics: d.metrics || [] })),
        firing: data.firing || [],
        pending: data.pending || [],
      };
    }

    let mainElement = null;
    let reloadTimer = null;
    const scheduleReload = () => {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => page.refresh(), 1500);
    };

    function repaintAlerts(device) {
      const entry = rows.get(device);
      if (!entry) return;
      const fresh = alertsCell(device);
      entry.alerts.replaceWith(fresh);
      entry.alerts = fresh;
      entry.row.classList.toggle('has-firing', model.firing.some((a) => a.device === device));
      const oldSummary = mainElement.querySelector('#overview-summary');
      if (oldSummary) oldSummary.replaceWith(summary());
      const list = mainElement.querySelector('.firing-list');
      const freshList = firingList();
      if (list && freshList) list.replaceWith(freshList);
      else if (list) list.remove();
      else if (freshList) mainElement.querySelector('#overview-summary').after(freshList);
    }

    const page = {
      name: 'overview',
      async render(main) {
        mainElement = main;
        await load();
        renderAll(main);
      },
      async refresh() {
        await load();
        renderAll(mainElement);
      },
      onReadings(readings) {
        const now = Date.now();
        model.at = now;
        const touched = new Set();
        for (const r of readings) {
          const entry = cells.get(`${r.device}\u0000${r.metric}`);
          if (!entry) { scheduleReload(); continue; }
          const t = parseTime(r.t);
          if (t === null) continue;
          if (entry.t === null || t >= entry.t) { entry.value = r.value; entry.t = t; }
          const bucket = 30 * MINUTE;
          const last = entry.points[entry.points.length - 1];
          if (last && t < last.time + bucket && t >= last.time) {
            last.min = Math.min(last.min, r.value);
            last.max = Math.max(last.max, r.value);
            last.avg = (last.avg * last.n + r.value) / (last.n + 1);
            last.n += 1;
          } else if (!last || t >= last.time + bucket) {
            entry.points.push({ time: Math.floor(t / bucket) * bucket, min: r.value, max: r.value, avg: r.value, n: 1 });
          }
          while (entry.points.length && entry.points[0].time < now - DAY) entry.points.shift();
          touched.add(entry);
          const row = rows.get(r.device);
          if (row && (row.lastSeen === null || t > row.lastSeen)) row.lastSeen = t;
        }
        for (const entry of touched) paintMetric(entry);
        for (const row of rows.values()) {
          if (row.lastSeen === null) continue;
          row.lastSeenCell.textContent = formatAgo(row.lastSeen, now);
          row.lastSeenCell.title = formatTime(row.lastSeen);
        }
      },
      onAlert(event) {
        if (event.type === 'AlertRaised') {
          if (!model.firing.some((a) => a.id === event.id)) model.firing.push(event);
          model.pending = model.pending.filter((p) => !(p.alert === event.alert && p.device === event.device));
          repaintAlerts(event.device);
        } else if (event.type === 'AlertCleared') {
          const raised = model.firing.find((a) => a.id === event.raisedId);
          model.firing = model.firing.filter((a) => a.id !== event.raisedId);
          if (raised) repaintAlerts(raised.device);
        }
      },
      tick() {
        const now = Date.now();
        for (const row of rows.values()) if (row.lastSeen !== null) row.lastSeenCell.textContent = formatAgo(row.lastSeen, now);
      },
    };
    return page;
  }

  /** One device: a chart per metric over a range, alert bands, the device's alerts. */
  function devicePage(deviceId) {
    let mainElement = null;
    let device = null;
    let charts = new Map(); // metric -> {box, data, latest}
    let spans = [];
    let range = null;
    const refetchTimers = new Map();

    function readRange() {
      const params = new URLSearchParams(location.search);
      const customFrom = parseTime(params.get('from'));
      let customTo = parseTime(params.get('to'));
      const end = viewTime();
      if (customFrom !== null || customTo !== null) {
        if (customTo === null || customTo > end) customTo = end;
        const from = customFrom !== null && customFrom < customTo ? customFrom : customTo - DAY;
        return { preset: null, from, to: customTo, follows: false };
      }
      const name = params.get('range') || '24h';
      const preset = RANGES.find(([key]) => key === name) || RANGES[1];
      return { preset: preset[0], from: end - preset[1], to: end, follows: state.live };
    }

    function rangeBar() {
      const fromInput = h('input', { type: 'datetime-local', step: 1, id: 'range-from', value: localInputValue(range.from), 'aria-label': 'From' });
      const toInput = h('input', { type: 'datetime-local', step: 1, id: 'range-to', value: localInputValue(range.to), 'aria-label': 'To' });
      return h('div', { class: 'range-bar' },
        h('div', { class: 'segmented', role: 'group', 'aria-label': 'Range' },
          RANGES.map(([key]) => h('a', {
            href: appHref(location.pathname, { range: key }), 'data-nav': true, 'data-range': key,
            class: range.preset === key ? 'active' : null, 'aria-current': range.preset === key ? 'true' : null,
          }, key))),
        h('form', {
          class: 'custom-range',
          onsubmit: (event) => {
            event.preventDefault();
            const from = fromLocalInput(fromInput.value);
            const to = fromLocalInput(toInput.value);
            if (from === null || to === null || from >= to) { toInput.setCustomValidity('“To” must be after “from”'); toInput.reportValidity(); return; }
            navigate(appHref(location.pathname, { from: isoTime(from), to: isoTime(to) }));
          },
        }, h('label', null, 'From ', fromInput), h('label', null, 'to ', toInput),
        h('button', { type: 'submit' }, 'Apply')));
    }

    function chartWidth(box) {
      return Math.max(1, Math.min(5000, Math.floor((box.clientWidth || 640) - 60)));
    }

    async function loadSeries(metric, box) {
      const data = await api('/api/series', {
        device: deviceId, metric, from: Math.round(range.from), to: Math.round(range.to), points: chartWidth(box),
      });
      return {
        metric, unit: data.unit, from: range.from, to: range.to,
        points: (data.points || []).map((p) => ({ time: parseTime(p.t), min: p.min, max: p.max, avg: p.avg, count: p.count })),
      };
    }

    async function loadAlerts() {
      const end = Math.round(range.to);
      const [events, atEnd] = await Promise.all([
        api('/api/alerts', { device: deviceId, from: Math.round(range.from), to: end + 1, limit: LIST_LIMIT }),
        api('/api/state', { at: end }),
      ]);
      spans = alertSpans(events, (atEnd.firing || []).filter((a) => a.device === deviceId), end);
      return { pending: (atEnd.pending || []).filter((p) => p.device === deviceId), firing: (atEnd.firing || []).filter((a) => a.device === deviceId), latest: atEnd.latest || [] };
    }

    function alertsTable() {
      const body = h('tbody', null, spans.length === 0 ? emptyRow(7, 'No alerts in this range.') : spans.map((span) => h('tr', {
        class: `alert-row ${span.firing ? 'firing' : 'cleared'}`, 'data-alert': span.alert, 'data-alert-id': span.id,
      },
      h('td', null, h('span', { class: `badge ${span.firing ? 'state-firing' : 'state-cleared'}` }, span.firing ? 'firing' : 'cleared')),
      h('td', null, h('strong', null, span.alert || '?')),
      h('td', null, span.severity ? h('span', { class: `severity severity-${span.severity}` }, span.severity) : '—'),
      h('td', { class: 'time', title: formatTime(span.from) }, formatTime(span.from)),
      h('td', { class: 'time' }, span.firing ? h('span', { class: 'muted' }, state.at === null ? 'still firing' : 'firing at this time') : formatTime(span.to)),
      h('td', null, formatDuration(Math.max(0, span.to - span.from))),
      h('td', { class: 'message' }, span.message || (span.value !== null ? formatValue(span.value) : '—')))));
      return h('div', { class: 'table-wrap' }, h('table', { id: 'device-alerts', class: 'data-table' },
        h('thead', null, h('tr', null, ['State', 'Alert', 'Severity', 'Raised', 'Cleared', 'Duration', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
        body));
    }

    function header(alertState) {
      return h('div', { class: 'device-head' },
        h('div', { class: 'page-head' },
          h('h1', null, h('a', { href: appHref('/'), 'data-nav': true, class: 'crumb' }, 'Overview'), h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, ' / '), h('span', { id: 'device-id' }, deviceId)),
          h('span', { class: 'type-tag' }, device.type)),
        h('div', { class: 'device-meta' },
          labelChips(device.labels),
          h('span', { class: 'muted' }, `first seen ${formatTime(parseTime(device.firstSeen))}`),
          h('span', { class: 'muted', title: formatTime(alertState.lastReading) }, `last reading ${formatAgo(alertState.lastReading, viewTime())}`),
          h('span', { class: 'device-alerts-now', id: 'device-alert-badges' },
            alertState.firing.map((a) => alertBadge('firing', a)), alertState.pending.map((p) => alertBadge('pending', p)))));
    }

    function paintChart(metric) {
      const chart = charts.get(metric);
      chart.data.bands = spans;
      drawChart(chart.box, chart.data);
    }

    function chartCard(series, latest) {
      const box = h('div', { class: 'chart-box' });
      const latestText = h('span', { class: 'latest', 'data-metric': series.metric });
      const card = h('section', { class: 'chart-card', 'data-metric': series.metric },
        h('header', null, h('h2', null, series.metric), latestText), box);
      charts.set(series.metric, { box, data: null, latestText, unit: series.unit, latest });
      setLatest(series.metric, latest);
      return card;
    }

    function setLatest(metric, latest) {
      const chart = charts.get(metric);
      chart.latest = latest;
      setContent(chart.latestText, latest ? h('span', { title: formatTime(parseTime(latest.t)) }, valueWithUnit(latest.value, chart.unit)) : h('span', { class: 'muted' }, 'no value'));
    }

    async function renderCharts() {
      await Promise.all([...charts.keys()].map(async (metric) => {
        const chart = charts.get(metric);
        chart.data = await loadSeries(metric, chart.box);
        paintChart(metric);
      }));
    }

    function emptyRangeHint(lastSeen) {
      if (lastSeen === null || lastSeen >= range.from) return null;
      return h('p', { class: 'hint' }, `No readings in this range: the last one is from ${formatTime(lastSeen)}. `,
        h('a', { href: appHref(location.pathname, { from: isoTime(lastSeen - DAY), to: isoTime(lastSeen + MINUTE) }), 'data-nav': true }, 'Show the 24 h before it'));
    }

    async function renderAll(main) {
      range = readRange();
      const devices = await api('/api/devices');
      device = devices.find((d) => d.id === deviceId);
      if (!device) {
        setContent(main, pageHeader(deviceId), h('p', { class: 'empty-state' }, 'No device with this id is stored. ', h('a', { href: appHref('/'), 'data-nav': true }, 'Back to the overview')));
        return;
      }
      const alertState = await loadAlerts();
      charts = new Map();
      const own = alertState.latest.filter((l) => l.device === deviceId);
      const latestByMetric = new Map(own.map((l) => [l.metric, l]));
      alertState.lastReading = own.length ? Math.max(...own.map((l) => parseTime(l.t))) : null;
      const chartList = h('div', { id: 'charts', class: 'charts' }, (device.series || []).map((series) => chartCard(series, latestByMetric.get(series.metric))));
      setContent(main,
        header(alertState),
        rangeBar(),
        h('p', { class: 'range-caption muted' }, `${formatTime(range.from)} → ${formatTime(range.to)} (${timeZoneLabel(range.to)})`),
        emptyRangeHint(alertState.lastReading),
        (device.series || []).length ? chartList : h('p', { class: 'empty-state' }, 'This device has no metrics yet.'),
        h('section', { class: 'device-alerts' }, h('h2', null, 'Alerts in this range'), alertsTable()));
      await renderCharts();
    }

    function scheduleRefetch(metric, delay) {
      if (refetchTimers.has(metric)) return;
      refetchTimers.set(metric, setTimeout(async () => {
        refetchTimers.delete(metric);
        const chart = charts.get(metric);
        if (!chart) return;
        range = readRange();
        try {
          chart.data = await loadSeries(metric, chart.box);
          paintChart(metric);
        } catch (_) { /* the next event retries */ }
      }, delay));
    }

    let alertTimer = null;
    let resizeTimer = null;
    const onResize = () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => { for (const metric of charts.keys()) if (charts.get(metric).data) paintChart(metric); }, 200);
    };

    return {
      name: 'device',
      async render(main) {
        mainElement = main;
        window.addEventListener('resize', onResize);
        await renderAll(main);
      },
      async refresh() { await renderAll(mainElement); },
      leave() {
        window.removeEventListener('resize', onResize);
        for (const timer of refetchTimers.values()) clearTimeout(timer);
        clearTimeout(alertTimer);
      },
      onReadings(readings) {
        if (!device) return;
        for (const r of readings) {
          if (r.device !== deviceId) continue;
          const chart = charts.get(r.metric);
          if (!chart) continue;
          const latestT = chart.latest ? parseTime(chart.latest.t) : null;
          if (latestT === null || parseTime(r.t) >= latestT) setLatest(r.metric, r);
          if (range && range.follows) scheduleRefetch(r.metric, 2000);
        }
      },
      onAlert(event) {
        if (!device) return;
        if (event.device !== deviceId && !spans.some((span) => span.id === event.raisedId)) return;
        clearTimeout(alertTimer);
        alertTimer = setTimeout(() => this.refresh().catch(() => {}), 1000);
      },
    };
  }

  /** Alert history with filters. */
  function alertsPage() {
    let mainElement = null;
    let filters = {};
    let tbody = null;
    let seenRaised = new Map();
    let deliveries = { sinks: [], events: {} };

    function readFilters() {
      const params = new URLSearchParams(location.search);
      return {
        alert: params.get('alert') || '', device: params.get('device') || '', type: params.get('type') || '',
        from: parseTime(params.get('from')), to: parseTime(params.get('to')),
      };
    }

    function filterForm() {
      const alert = h('input', { type: 'text', name: 'alert', id: 'filter-alert', value: filters.alert, placeholder: 'any' });
      const device = h('input', { type: 'text', name: 'device', id: 'filter-device', value: filters.device, placeholder: 'any (globs like gh-*)' });
      const type = h('select', { name: 'type', id: 'filter-type' },
        [['', 'raised and cleared'], ['raised', 'raised'], ['cleared', 'cleared']].map(([value, text]) => h('option', { value, selected: filters.type === value }, text)));
      const from = h('input', { type: 'datetime-local', step: 1, id: 'filter-from', value: filters.from === null ? '' : localInputValue(filters.from) });
      const to = h('input', { type: 'datetime-local', step: 1, id: 'filter-to', value: filters.to === null ? '' : localInputValue(filters.to) });
      return h('form', {
        class: 'filters', id: 'alert-filters',
        onsubmit: (event) => {
          event.preventDefault();
          const fromMs = fromLocalInput(from.value);
          const toMs = fromLocalInput(to.value);
          navigate(appHref('/alerts', {
            alert: alert.value.trim(), device: device.value.trim(), type: type.value,
            from: fromMs === null ? null : isoTime(fromMs), to: toMs === null ? null : isoTime(toMs),
          }));
        },
      },
      h('label', null, h('span', null, 'Alert'), alert),
      h('label', null, h('span', null, 'Device'), device),
      h('label', null, h('span', null, 'Event'), type),
      h('label', null, h('span', null, 'From'), from),
      h('label', null, h('span', null, 'To'), to),
      h('div', { class: 'filter-actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Apply'),
        h('a', { href: appHref('/alerts'), 'data-nav': true, class: 'button' }, 'Reset')));
    }

    function row(event, fresh = false) {
      const raised = event.type === 'AlertRaised';
      const at = parseTime(event.at);
      const original = raised ? null : seenRaised.get(event.raisedId);
      const alertName = event.alert || (original && original.alert) || '?';
      const deviceId = event.device || (original && original.device) || null;
      const severity = event.severity || (original && original.severity) || null;
      const raisedAt = raised ? null : parseTime(event.raisedAt) ?? (original ? parseTime(original.at) : null);
      const details = raised
        ? event.message || ''
        : raisedAt !== null ? `after ${formatDuration(Math.max(0, at - raisedAt))} (raised ${formatTime(raisedAt)})` : '';
      return h('tr', { class: `alert-event ${raised ? 'raised' : 'cleared'}${fresh ? ' fresh' : ''}`, 'data-alert-id': event.id, 'data-type': raised ? 'raised' : 'cleared' },
        h('td', { class: 'time', title: at === null ? '' : isoTime(at) }, formatTime(at)),
        h('td', null, h('span', { class: `badge ${raised ? 'state-firing' : 'state-cleared'}` }, raised ? 'raised' : 'cleared')),
        h('td', null, h('strong', null, alertName)),
        h('td', null, deviceId ? h('a', { href: deviceHref(deviceId), 'data-nav': true }, deviceId) : '—'),
        h('td', null, severity ? h('span', { class: `severity severity-${severity}` }, severity) : '—'),
        h('td', { class: 'num-cell' }, event.value === null || event.value === undefined ? '—' : formatValue(event.value)),
        h('td', { class: 'message' }, details),
        deliveryCell(event));
    }

    /** Where the event went: one mark per sink (delivered, pending, refused with the reason). */
    function deliveryCell(event) {
      const known = deliveries.events[event.id];
      const states = known || deliveries.sinks.map((sink) => ({ sink: sink.sink, state: 'pending' }));
      if (!states.length) return h('td', { class: 'deliveries' }, '—');
      const summary = states.map((d) => `${d.sink}: ${d.state}${d.reason ? ` (${d.reason})` : ''}`).join('; ');
      return h('td', { class: 'deliveries', 'data-deliveries': summary },
        states.map((d) => h('span', {
          class: `delivery delivery-${d.state}`,
          title: `${d.sink}: ${d.state}${d.reason ? ` (${d.reason})` : ''}`,
        }, `${d.state === 'delivered' ? '✓' : d.state === 'refused' ? '✗' : '…'} ${d.sink}`)));
    }

    function matches(event) {
      if (filters.from !== null || filters.to !== null) return false;
      if (filters.type && filters.type !== (event.type === 'AlertRaised' ? 'raised' : 'cleared')) return false;
      const original = event.type === 'AlertCleared' ? seenRaised.get(event.raisedId) : null;
      const name = event.alert || (original && original.alert);
      const device = event.device || (original && original.device);
      if (filters.alert && filters.alert !== name) return false;
      if (filters.device && !filters.device.includes('*') && filters.device !== device) return false;
      return true;
    }

    async function renderAll(main) {
      filters = readFilters();
      const end = state.at === null ? filters.to : filters.to === null ? state.at + 1 : Math.min(filters.to, state.at + 1);
      const selection = {
        alert: filters.alert, device: filters.device, type: filters.type,
        from: filters.from, to: end, limit: LIST_LIMIT, order: 'desc',
      };
      const [events, delivered] = await Promise.all([
        api('/api/alerts', selection),
        api('/api/deliveries', selection).catch(() => ({ sinks: [], events: {} })),
      ]);
      deliveries = delivered;
      seenRaised = new Map(events.filter((e) => e.type === 'AlertRaised').map((e) => [e.id, e]));
      const sorted = events;
      tbody = h('tbody', null, sorted.length ? sorted.map((e) => row(e)) : emptyRow(8, 'No alert events match.'));
      setContent(main,
        pageHeader('Alert history', h('span', { class: 'subtitle' }, state.at === null ? 'newest first' : `up to ${formatTime(state.at)}, newest first`)),
        filterForm(),
        events.length >= LIST_LIMIT ? h('p', { class: 'hint' }, `Showing the newest ${LIST_LIMIT} matching events; narrow the time range to see earlier ones.`) : null,
        h('div', { class: 'table-wrap' }, h('table', { id: 'alert-history', class: 'data-table' },
          h('thead', null, h('tr', null, ['Time', 'Event', 'Alert', 'Device', 'Severity', 'Value', 'Details', 'Delivered'].map((t) => h('th', { scope: 'col' }, t)))),
          tbody)));
    }

    return {
      name: 'alerts',
      async render(main) {
        mainElement = main;
        await renderAll(main);
      },
      async refresh() { await renderAll(mainElement); },
      onAlert(event) {
        if (!tbody || !matches(event)) return;
        if (event.type === 'AlertRaised') seenRaised.set(event.id, event);
        const empty = tbody.querySelector('tr.empty');
        if (empty) empty.remove();
        tbody.prepend(row(event, true));
      },
    };
  }

  /** Dead letters with a reason and topic filter; payload previews shown as text. */
  function deadLettersPage() {
    let mainElement = null;
    let reloadTimer = null;

    function filterForm(reason, topic) {
      const reasonSelect = h('select', { name: 'reason', id: 'filter-reason' },
        h('option', { value: '' }, 'any reason'),
        [...new Set([...DEAD_LETTER_REASONS, ...(reason ? [reason] : [])])].map((code) => h('option', { value: code, selected: code === reason }, code.replaceAll('_', ' '))));
      const topicInput = h('input', { type: 'text', name: 'topic', id: 'filter-topic', value: topic, placeholder: 'topic prefix, e.g. sensors/' });
      return h('form', {
        class: 'filters', id: 'deadletter-filters',
        onsubmit: (event) => {
          event.preventDefault();
          navigate(appHref('/deadletters', { reason: reasonSelect.value, topic: topicInput.value.trim() }));
        },
      },
      h('label', null, h('span', null, 'Reason'), reasonSelect),
      h('label', null, h('span', null, 'Topic'), topicInput),
      h('div', { class: 'filter-actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Apply'),
        h('a', { href: appHref('/deadletters'), 'data-nav': true, class: 'button' }, 'Reset')));
    }

    /** The topic with line breaks allowed only after its slashes. */
    function topicText(topic) {
      const parts = topic.split('/');
      return h('code', { title: topic }, parts.map((part, i) => [
        h('span', { class: 'topic-level' }, i < parts.length - 1 ? `${part}/` : part), i < parts.length - 1 ? h('wbr') : null]));
    }

    function payloadCell(preview) {
      const text = preview || '';
      if (text.length <= 80) return h('td', { class: 'payload' }, h('code', null, text || '(empty)'));
      return h('td', { class: 'payload' }, h('details', null,
        h('summary', null, h('code', null, `${text.slice(0, 80)}…`)),
        h('pre', null, text)));
    }

    async function renderAll(main) {
      const params = new URLSearchParams(location.search);
      const reason = params.get('reason') || '';
      const topic = params.get('topic') || '';
      const letters = await api('/api/deadletters', {
        reason, topic, limit: LIST_LIMIT, order: 'desc', to: state.at === null ? null : state.at + 1,
      });
      const shown = letters;
      const body = h('tbody', null, shown.length ? shown.map((l) => h('tr', { class: 'deadletter', 'data-id': l.id, 'data-reason': l.reason },
        h('td', { class: 'time', title: l.receivedAt }, formatTime(parseTime(l.receivedAt))),
        h('td', { class: 'topic' }, topicText(l.topic)),
        h('td', null, h('span', { class: 'badge reason' }, l.reason)),
        h('td', { class: 'detail' }, l.detail),
        payloadCell(l.payloadPreview))) : emptyRow(5, 'No dead letters match.'));
      setContent(main,
        pageHeader('Dead letters', h('span', { class: 'subtitle' }, state.at === null ? 'newest first' : `received up to ${formatTime(state.at)}`)),
        filterForm(reason, topic),
        letters.length >= LIST_LIMIT ? h('p', { class: 'hint' }, `Showing the newest ${LIST_LIMIT} matching dead letters; filter by reason or topic to narrow them.`) : null,
        h('div', { class: 'table-wrap' }, h('table', { id: 'deadletters', class: 'data-table' },
          h('thead', null, h('tr', null, ['Received', 'Topic', 'Reason', 'Detail', 'Payload'].map((t) => h('th', { scope: 'col' }, t)))),
          body)));
    }

    return {
      name: 'deadletters',
      async render(main) {
        mainElement = main;
        await renderAll(main);
      },
      async refresh() { await renderAll(mainElement); },
      onDeadLetter() {
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => renderAll(mainElement).catch(() => {}), 1000);
      },
      leave() { clearTimeout(reloadTimer); },
    };
  }

  function notFoundPage() {
    return {
      name: 'notfound',
      async render(main) {
        setContent(main, pageHeader('Page not found'), h('p', null, h('a', { href: appHref('/'), 'data-nav': true }, 'Go to the fleet overview')));
      },
    };
  }

  // ---------------------------------------------------------------- header, banner, time control

  function updateChrome(pageName) {
    for (const link of document.querySelectorAll('#nav a, .brand')) {
      const path = link.dataset.page === 'alerts' ? '/alerts' : link.dataset.page === 'deadletters' ? '/deadletters' : '/';
      link.setAttribute('href', appHref(path));
      if (link.dataset.page) link.classList.toggle('active', link.dataset.page === pageName || (pageName === 'device' && link.dataset.page === 'overview'));
    }
    const input = document.getElementById('at-input');
    input.value = localInputValue(state.at === null ? Date.now() : state.at);
    input.max = localInputValue(Date.now() + HOUR);
    document.getElementById('live-button').classList.toggle('active', state.live);
    document.body.classList.toggle('time-travel', state.at !== null);

    const slot = document.getElementById('banner-slot');
    if (state.at !== null) {
      setContent(slot, h('div', { id: 'viewing-at', class: 'banner', 'data-at': isoTime(state.at), role: 'status' },
        s('svg', { class: 'banner-icon', width: 18, height: 18, viewBox: '0 0 18 18', 'aria-hidden': 'true' },
          s('circle', { cx: 9, cy: 9, r: 7.25 }), s('path', { d: 'M9 4.5V9l3 2' })),
        h('span', null, 'Viewing ', h('strong', null, formatTime(state.at)), ` ${timeZoneLabel(state.at)}`,
          h('span', { class: 'muted' }, ` · ${formatDuration(Math.abs(Date.now() - state.at))} ${state.at <= Date.now() ? 'ago' : 'ahead'}`)),
        h('button', { type: 'button', class: 'banner-live', onclick: goLive }, 'Back to live')));
    } else {
      slot.replaceChildren();
    }
    setLiveStatus();
  }

  function goLive() {
    const params = new URLSearchParams(location.search);
    params.delete('at');
    params.delete('live');
    const search = params.toString();
    navigate(search ? `${location.pathname}?${search}` : location.pathname);
  }

  function travelTo(ms) {
    const params = new URLSearchParams(location.search);
    params.set('at', isoTime(ms));
    navigate(`${location.pathname}?${readableQuery(params)}`);
  }

  function setupTimeControl() {
    const form = document.getElementById('time-control');
    const input = document.getElementById('at-input');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const ms = fromLocalInput(input.value);
      if (ms !== null) travelTo(ms);
    });
    document.getElementById('live-button').addEventListener('click', goLive);
    document.getElementById('step-back').addEventListener('click', () => travelTo(viewTime() - HOUR));
    document.getElementById('step-forward').addEventListener('click', () => {
      const next = viewTime() + HOUR;
      if (next >= Date.now()) goLive(); else travelTo(next);
    });
  }

  // ---------------------------------------------------------------- live events

  let events = null;
  let eventsFailed = false;
  let liveTimer = null;

  function setLiveStatus() {
    const status = document.getElementById('live-status');
    let text;
    let kind;
    if (state.at !== null) { text = 'time travel'; kind = 'travel'; }
    else if (!state.live) { text = 'paused'; kind = 'paused'; }
    else if (events && events.readyState === EventSource.OPEN) { text = 'live'; kind = 'live'; }
    else { text = 'connecting…'; kind = 'connecting'; }
    status.textContent = text;
    status.dataset.state = kind;
  }

  function parseEvent(message) {
    document.body.dataset.liveEvents = String(Number(document.body.dataset.liveEvents || 0) + 1);
    try {
      return JSON.parse(message.data);
    } catch (_) {
      return null;
    }
  }

  function connectEvents() {
    if (!state.live) {
      if (events) { events.close(); events = null; }
      clearInterval(liveTimer);
      liveTimer = null;
      setLiveStatus();
      return;
    }
    if (!liveTimer) liveTimer = setInterval(() => currentPage && currentPage.tick && currentPage.tick(), 15000);
    if (events) { setLiveStatus(); return; }
    events = new EventSource('/api/events');
    events.addEventListener('open', () => {
      setLiveStatus();
      if (eventsFailed && currentPage && currentPage.refresh) currentPage.refresh().catch(() => {});
      eventsFailed = false;
    });
    events.addEventListener('error', () => { eventsFailed = true; setLiveStatus(); });
    events.addEventListener('readings', (message) => {
      const readings = parseEvent(message);
      if (Array.isArray(readings) && currentPage && currentPage.onReadings) currentPage.onReadings(readings);
    });
    events.addEventListener('alert', (message) => {
      const event = parseEvent(message);
      if (event && currentPage && currentPage.onAlert) currentPage.onAlert(event);
    });
    events.addEventListener('deadletter', (message) => {
      const event = parseEvent(message);
      if (event && currentPage && currentPage.onDeadLetter) currentPage.onDeadLetter(event);
    });
    events.addEventListener('overflow', () => location.reload());
    setLiveStatus();
  }

  // ---------------------------------------------------------------- router

  let currentPage = null;
  let renderToken = 0;

  function pageFor(path) {
    if (path === '/' || path === '') return overviewPage();
    const device = path.match(/^\/devices\/([^/]+)\/?$/);
    if (device) {
      try {
        return devicePage(decodeURIComponent(device[1]));
      } catch (_) {
        return notFoundPage();
      }
    }
    if (path === '/alerts' || path === '/alerts/') return alertsPage();
    if (path === '/deadletters' || path === '/deadletters/') return deadLettersPage();
    return notFoundPage();
  }

  async function route() {
    const token = ++renderToken;
    readUrlState();
    document.body.removeAttribute('data-ready');
    if (currentPage && currentPage.leave) currentPage.leave();
    const page = pageFor(location.pathname);
    currentPage = page;
    document.body.dataset.page = page.name;
    updateChrome(page.name);
    const main = document.getElementById('main');
    main.setAttribute('aria-busy', 'true');
    try {
      await page.render(main);
    } catch (error) {
      if (token === renderToken) setContent(main, errorBox(error));
    }
    if (token !== renderToken) return;
    main.removeAttribute('aria-busy');
    const heading = main.querySelector('h1');
    document.title = heading ? `${heading.textContent} · telemetry-bridge` : 'telemetry-bridge';
    document.body.dataset.ready = '1';
    connectEvents();
  }

  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest('a[data-nav]');
    if (!link || link.origin !== location.origin) return;
    event.preventDefault();
    navigate(link.pathname + link.search);
  });
  window.addEventListener('popstate', route);

  setupTimeControl();
  route();
})();
