// telemetry-bridge dashboard, small pieces every page uses (badges, chips, folded lists, headers).
import { h } from './dom.js';
import { formatAgo, formatTime, formatUnit, formatValue, isoTime, parseTime } from './format.js';
import { APIError } from './api.js';

export function errorBox(error) {
  const text = error instanceof APIError
    ? `The server answered ${error.status}: ${error.message}${error.parameter ? ` (parameter “${error.parameter}”)` : ''}`
    : `Could not load: ${error && error.message ? error.message : error}`;
  return h('div', { class: 'error-box', role: 'alert' }, text);
}

export function labelChips(labels) {
  const entries = Object.entries(labels || {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'labels' },
    entries.map(([key, value]) => h('span', { class: 'chip', title: `${key}=${value}` },
      h('span', { class: 'chip-key' }, key), h('span', { class: 'chip-value' }, value))));
}

export function alertBadge(kind, alert) {
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
export function foldList(items, shown, render) {
  const list = h('ul', null, items.slice(0, shown).map(render));
  if (items.length <= shown) return list;
  return [list, h('details', { class: 'more' },
    h('summary', null, `${items.length - shown} more`), h('ul', null, items.slice(shown).map(render)))];
}

export function timeCell(ms, reference) {
  return h('td', { class: 'time', 'data-t': ms === null ? null : isoTime(ms), title: ms === null ? null : formatTime(ms) },
    ms === null ? '—' : formatAgo(ms, reference));
}

export function pageHeader(title, ...extra) {
  return h('div', { class: 'page-head' }, h('h1', null, title), extra);
}

export function emptyRow(columns, text) {
  return h('tr', { class: 'empty' }, h('td', { colspan: columns, class: 'muted' }, text));
}

/** A value with its unit, as shown in tables. */
export function valueWithUnit(value, unit) {
  return [h('span', { class: 'num' }, formatValue(value)), unit ? h('span', { class: 'unit' }, formatUnit(unit)) : null];
}

/** Asks who acts (an operator's name, remembered in this browser); null when they cancel. */
export function askOperator(action) {
  const key = 'telemetry-bridge.operator';
  const by = window.prompt(`${action} as`, localStorage.getItem(key) || '');
  if (!by) return null;
  localStorage.setItem(key, by);
  return by;
}
