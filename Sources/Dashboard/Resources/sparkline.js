// telemetry-bridge dashboard, the overview's sparklines (SVG).
import { DAY, HOUR } from './constants.js';
import { h, s } from './dom.js';

export const SPARK_WIDTH = 96;
export const SPARK_HEIGHT = 24;

/** A sparkline's left edge: its first point, within the 24 h before `end` and at least an hour back. */
export function sparkStart(points, end) {
  const first = points.length ? points[0].time : end - DAY;
  return Math.min(end - HOUR, Math.max(end - DAY, first));
}

export function sparkline(points, from, to) {
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
