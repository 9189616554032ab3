// telemetry-bridge dashboard, the entry module: header, banner and time control, live events, the router.
import { HOUR } from './constants.js';
import { h, s, setContent } from './dom.js';
import { formatDuration, formatTime, fromLocalInput, isoTime, localInputValue, timeZoneLabel } from './format.js';
import { appHref, navigate, readUrlState, readableQuery, state, viewTime } from './url-state.js';
import { api } from './api.js';
import { errorBox } from './widgets.js';
import { overviewPage } from './page-overview.js';
import { devicePage } from './page-device.js';
import { alertsPage } from './page-alerts.js';
import { deadLettersPage } from './page-deadletters.js';
import { silencesPage } from './page-silences.js';
import { notFoundPage } from './page-not-found.js';

export function updateChrome(pageName) {
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

export function goLive() {
  const params = new URLSearchParams(location.search);
  params.delete('at');
  params.delete('live');
  const search = params.toString();
  navigate(search ? `${location.pathname}?${search}` : location.pathname);
}

export function travelTo(ms) {
  const params = new URLSearchParams(location.search);
  params.set('at', isoTime(ms));
  navigate(`${location.pathname}?${readableQuery(params)}`);
}

export function setupTimeControl() {
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

export let events = null;
export let eventsFailed = false;
export let liveTimer = null;

export function setLiveStatus() {
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

export function parseEvent(message) {
  document.body.dataset.liveEvents = String(Number(document.body.dataset.liveEvents || 0) + 1);
  try {
    return JSON.parse(message.data);
  } catch (_) {
    return null;
  }
}

export function connectEvents() {
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

export let currentPage = null;
export let renderToken = 0;

export function pageFor(path) {
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
  if (path === '/silences' || path === '/silences/') return silencesPage();
  return notFoundPage();
}

export async function route() {
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
