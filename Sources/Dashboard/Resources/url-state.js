// telemetry-bridge dashboard, the view time and page state in the URL, and navigation.
import { isoTime, parseTime } from './format.js';
import { route } from './main.js';

export const state = {
  at: null, // time travel target (ms) or null for now
  live: false, // whether the live event stream is wanted
  paused: false, // live=0 in the URL
};

export function readUrlState() {
  const params = new URLSearchParams(location.search);
  state.at = parseTime(params.get('at'));
  state.paused = params.get('live') === '0';
  state.live = state.at === null && !state.paused;
}

/** The moment the view shows: T when time travelling, else now. */
export const viewTime = () => (state.at === null ? Date.now() : state.at);

/** A link inside the app that keeps the time travel (`at`) and `live=0`. */
export function appHref(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  if (state.at !== null) params.set('at', isoTime(state.at));
  if (state.paused) params.set('live', '0');
  const search = readableQuery(params);
  return search ? `${path}?${search}` : path;
}

export const deviceHref = (id) => appHref(`/devices/${encodeURIComponent(id)}`);

/** Query text with the colons of times left readable (they need no escaping in a query). */
export const readableQuery = (params) => params.toString().replace(/%3A/gi, ':');

export function navigate(url, replace = false) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route();
}
