// telemetry-bridge dashboard, the dead letters page.
import { DEAD_LETTER_REASONS, LIST_LIMIT } from './constants.js';
import { h, setContent } from './dom.js';
import { formatTime, parseTime } from './format.js';
import { appHref, navigate, state } from './url-state.js';
import { api } from './api.js';
import { emptyRow, pageHeader } from './widgets.js';

export function deadLettersPage() {
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
