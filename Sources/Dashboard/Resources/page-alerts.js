// telemetry-bridge dashboard, the alert history page.
import { LIST_LIMIT } from './constants.js';
import { h, setContent } from './dom.js';
import { formatDuration, formatTime, formatValue, fromLocalInput, isoTime, localInputValue, parseTime } from './format.js';
import { appHref, deviceHref, navigate, state } from './url-state.js';
import { api } from './api.js';
import { emptyRow, pageHeader } from './widgets.js';

export function alertsPage() {
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
      // Operators' events (acknowledgements, silences) share the stream; this table lists raises and clears.
      if (event.type !== 'AlertRaised' && event.type !== 'AlertCleared') return;
      if (!tbody || !matches(event)) return;
      if (event.type === 'AlertRaised') seenRaised.set(event.id, event);
      const empty = tbody.querySelector('tr.empty');
      if (empty) empty.remove();
      tbody.prepend(row(event, true));
    },
  };
}

/** Dead letters with a reason and topic filter; payload previews shown as text. */
