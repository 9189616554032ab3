// telemetry-bridge dashboard, the fleet overview page.
import { DAY, HOUR, MINUTE } from './constants.js';
import { h, s, setContent } from './dom.js';
import { formatAgo, formatTime, isoTime, parseTime } from './format.js';
import { deviceHref, state, viewTime } from './url-state.js';
import { api, command } from './api.js';
import { alertBadge, askOperator, foldList, labelChips, pageHeader, timeCell, valueWithUnit } from './widgets.js';
import { sparkStart, sparkline } from './sparkline.js';

/** Fleet overview: one `/api/overview` request. */
export function overviewPage() {
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
      foldList(model.firing, 5, (a) => h('li', { 'data-alert-id': a.id },
        h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), ' ',
        h('strong', null, a.alert), ' on ', h('a', { href: deviceHref(a.device), 'data-nav': true }, a.device),
        a.severity ? [' ', h('span', { class: `severity severity-${a.severity}` }, a.severity)] : null,
        h('span', { class: 'muted' }, ` · since ${formatTime(parseTime(a.at))}`),
        a.message ? h('span', { class: 'message' }, ` · ${a.message}`) : null,
        a.silenced ? [' ', h('span', { class: 'badge silenced', title: a.silenced.startsWith('maintenance:') ? `maintenance window ${a.silenced.slice(12)}` : `silence ${a.silenced}` },
            a.silenced.startsWith('maintenance:') ? 'maintenance' : 'silenced')] : null,
        a.flapping ? [' ', h('span', { class: 'badge silenced', title: 'raised while flapping: notifications held back until it settles' }, 'flapping')] : null,
        acknowledgement(a))));
  }

  /** Who acknowledged a firing alert, or (live) a button that does. */
  function acknowledgement(alert) {
    const ack = alert.acknowledged;
    if (ack) {
      return [' ', h('span', { class: 'badge acknowledged', 'data-acknowledged-by': ack.by, title: ack.comment || '' },
        `acknowledged by ${ack.by} ${formatTime(parseTime(ack.at))}`)];
    }
    if (state.at !== null) return null;
    return [' ', h('button', { type: 'button', class: 'ack-button', 'data-ack': alert.id, onclick: (event) => acknowledge(alert, event.target) },
      'Acknowledge')];
  }

  async function acknowledge(alert, button) {
    const by = askOperator('Acknowledge');
    if (!by) return;
    const comment = window.prompt('Comment (optional)', '') || '';
    button.disabled = true;
    try {
      const event = await command('ack', { alert: alert.alert, device: alert.device, by, comment });
      alert.acknowledged = { id: event.id, by: event.by, comment: event.comment, at: event.at };
      repaintAlerts(alert.device);
    } catch (error) {
      button.disabled = false;
      button.title = error.message;
      window.alert(`Not acknowledged: ${error.message}`);
    }
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
      } else if (event.type === 'AlertAcknowledged') {
        const raised = model.firing.find((a) => a.id === event.raisedId);
        if (raised) {
          raised.acknowledged = { id: event.id, by: event.by, comment: event.comment, at: event.at };
          repaintAlerts(raised.device);
        }
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
