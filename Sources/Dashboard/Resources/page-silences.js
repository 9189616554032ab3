// telemetry-bridge dashboard, the silences page: active and pending silences, a form that previews a
// silence against the past raises before creating it, and ending a silence.
import { h, setContent } from './dom.js';
import { formatTime, parseTime } from './format.js';
import { appHref, navigate } from './url-state.js';
import { api, command } from './api.js';
import { askOperator, emptyRow, pageHeader } from './widgets.js';

export function silencesPage() {
  let mainElement = null;

  function matchersText(matchers) {
    const parts = [];
    if (matchers.alert) parts.push(`alert = ${matchers.alert}`);
    if (matchers.device) parts.push(`device = ${matchers.device}`);
    if (matchers.where) parts.push(`where ${matchers.where}`);
    return parts.join(' · ');
  }

  function silenceRow(entry) {
    const silence = entry.event;
    const ended = entry.state === 'expired';
    return h('tr', { class: `silence ${entry.state}`, 'data-silence-id': silence.id, 'data-state': entry.state },
      h('td', null, h('span', { class: `badge silence-${entry.state}` }, entry.state)),
      h('td', { class: 'matchers' }, h('code', null, matchersText(silence.matchers || {}))),
      h('td', { class: 'time' }, formatTime(parseTime(silence.startsAt))),
      h('td', { class: 'time' }, formatTime(parseTime(entry.expiredAt || silence.endsAt))),
      h('td', null, silence.createdBy, entry.expiredBy ? h('span', { class: 'muted' }, ` · ended by ${entry.expiredBy}`) : null),
      h('td', null, silence.comment || ''),
      h('td', null, ended ? null : h('button', { type: 'button', class: 'end-silence', onclick: () => end(silence.id) }, 'End')));
  }

  async function end(id) {
    const by = askOperator('End the silence');
    if (!by) return;
    try {
      await command('unsilence', { id, by });
    } catch (error) {
      window.alert(`Not ended: ${error.message}`);
    }
    await renderAll(mainElement);
  }

  function form(params, preview) {
    const field = (name, label, placeholder) => h('label', null, h('span', null, label),
      h('input', { type: 'text', name, id: `silence-${name}`, value: params.get(name) || '', placeholder }));
    const values = () => {
      const data = {};
      for (const name of ['alert', 'device', 'where', 'duration', 'comment']) {
        const value = mainElement.querySelector(`#silence-${name}`).value.trim();
        if (value) data[name] = value;
      }
      return data;
    };
    return h('form', {
      class: 'filters', id: 'silence-form',
      onsubmit: (event) => {
        event.preventDefault();
        const data = values();
        delete data.comment;
        delete data.duration;
        navigate(appHref('/silences', { ...data, preview: 'true' }));
      },
    },
    field('alert', 'Alert', 'name or glob, e.g. Hot*'),
    field('device', 'Device', 'id or glob, e.g. gh-0*'),
    field('where', 'Where', 'labels, e.g. site == "north"'),
    field('duration', 'For', '2h'),
    field('comment', 'Comment', 'why'),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit' }, 'Preview'),
      h('button', {
        type: 'button', class: 'primary', id: 'create-silence',
        onclick: async () => {
          const data = values();
          if (!data.duration) data.duration = '2h';
          const by = askOperator('Silence');
          if (!by) return;
          try {
            await command('silence', { ...data, by });
            navigate(appHref('/silences'));
          } catch (error) {
            window.alert(`Not silenced: ${error.parameter ? `${error.parameter}: ` : ''}${error.message}`);
          }
        },
      }, 'Create silence')),
    preview);
  }

  async function previewSection(params) {
    if (params.get('preview') !== 'true') return null;
    try {
      const answer = await api('/api/silences/preview', {
        alert: params.get('alert'), device: params.get('device'), where: params.get('where'), days: 7, limit: 20,
      });
      return h('section', { id: 'silence-preview', 'data-total': answer.total },
        h('p', null, `${answer.total} raise${answer.total === 1 ? '' : 's'} of the last 7 days would have been silenced.`),
        answer.matches.length ? h('ul', null, answer.matches.map((raise) => h('li', { 'data-alert-id': raise.id },
          `${formatTime(parseTime(raise.at))} · ${raise.alert} on ${raise.device}`))) : null);
    } catch (error) {
      return h('section', { id: 'silence-preview', class: 'error' },
        h('p', null, `${error.parameter ? `${error.parameter}: ` : ''}${error.message}`));
    }
  }

  async function renderAll(main) {
    const params = new URLSearchParams(location.search);
    const all = params.get('all') === 'true';
    const [answer, preview] = await Promise.all([api('/api/silences', { all: all ? 'true' : null }), previewSection(params)]);
    const silences = answer.silences || [];
    setContent(main,
      pageHeader('Silences', h('a', { href: appHref('/silences', all ? {} : { all: 'true' }), 'data-nav': true, class: 'subtitle' },
        all ? 'hide ended silences' : 'show ended silences')),
      h('p', { class: 'hint' }, 'Silenced alerts are still evaluated, stored and published on MQTT, but not sent to Alertmanager or webhooks.'),
      form(params, preview),
      h('div', { class: 'table-wrap' }, h('table', { id: 'silences', class: 'data-table' },
        h('thead', null, h('tr', null, ['State', 'Matchers', 'From', 'Until', 'By', 'Comment', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, silences.length ? silences.map(silenceRow) : emptyRow(7, all ? 'No silences.' : 'No active or pending silences.')))));
  }

  return {
    name: 'silences',
    async render(main) {
      mainElement = main;
      await renderAll(main);
    },
    async refresh() { await renderAll(mainElement); },
    onAlert(event) {
      if (event.type === 'SilenceCreated' || event.type === 'SilenceExpired') renderAll(mainElement).catch(() => {});
    },
  };
}
