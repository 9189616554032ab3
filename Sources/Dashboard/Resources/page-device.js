// telemetry-bridge dashboard, the device page.
import { DAY, LIST_LIMIT, MINUTE, RANGES } from './constants.js';
import { h, setContent } from './dom.js';
import { formatAgo, formatDuration, formatTime, formatValue, fromLocalInput, isoTime, localInputValue, parseTime, timeZoneLabel } from './format.js';
import { appHref, navigate, state, viewTime } from './url-state.js';
import { api, backtest } from './api.js';
import { alertBadge, emptyRow, labelChips, pageHeader, valueWithUnit } from './widgets.js';
import { drawChart } from './chart.js';
import { alertSpans } from './alert-spans.js';

export function devicePage(deviceId) {
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

  let draftBands = null; // the last backtest's draft alerts, drawn under the live bands

  function paintChart(metric) {
    const chart = charts.get(metric);
    chart.data.bands = spans;
    chart.data.draftBands = draftBands;
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

  /** Paste a draft rule file; it is replayed over this range beside the current rules. */
  function backtestPanel() {
    const draft = h('textarea', { id: 'backtest-draft', spellcheck: 'false', 'aria-label': 'Draft rules (YAML)',
      placeholder: 'rules:\n  - alert: TooHot\n    devices: climate-sensor\n    when: avg(temperature, 5m) > 28' });
    const result = h('div', { id: 'backtest-result', 'aria-live': 'polite' });
    const button = h('button', { type: 'button', id: 'backtest-run' }, 'Backtest over this range');
    button.onclick = async () => {
      button.disabled = true;
      result.removeAttribute('data-done');
      setContent(result, h('p', { class: 'muted' }, 'Replaying…'));
      try {
        const answer = await backtest(deviceId, range.from, range.to, draft.value);
        draftBands = answer.draft.map((b) => ({ alert: b.alert, from: parseTime(b.from), to: b.to === null ? range.to : parseTime(b.to), firing: b.to === null }));
        setContent(result,
          h('p', { class: 'backtest-summary', id: 'backtest-summary' },
            `Draft (${answer.draftRules.join(', ') || 'no rules'}) against the current rules over this range: `,
            h('strong', { 'data-count': 'added' }, `${answer.added} added`), ', ',
            h('strong', { 'data-count': 'removed' }, `${answer.removed} removed`), ', ',
            h('strong', { 'data-count': 'moved' }, `${answer.moved} moved`),
            ` (events; ${answer.current.length} alert${answer.current.length === 1 ? '' : 's'} now, ${answer.draft.length} with the draft, drawn as a strip under each chart).`));
      } catch (error) {
        draftBands = null;
        setContent(result, h('p', { class: 'backtest-error' }, error.message));
      }
      for (const metric of charts.keys()) if (charts.get(metric).data) paintChart(metric);
      result.setAttribute('data-done', '1');
      button.disabled = false;
    };
    return h('details', { class: 'backtest', id: 'backtest' },
      h('summary', null, h('h2', { style: 'display:inline' }, 'Backtest a draft rule')),
      h('p', { class: 'muted' }, 'Paste a rule file: it runs over this device’s readings in this range, beside the current rules.'),
      draft, h('p', null, button), result);
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
      h('section', { class: 'device-alerts' }, h('h2', null, 'Alerts in this range'), alertsTable()),
      backtestPanel());
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
