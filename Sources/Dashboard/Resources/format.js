// telemetry-bridge dashboard, times, durations, values and units as the pages show them.
import { DAY, HOUR } from './constants.js';
import { h, s } from './dom.js';
import { state } from './url-state.js';

export const pad = (n, width = 2) => String(n).padStart(width, '0');
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Milliseconds since the epoch from epoch ms (number or digits) or ISO 8601 text; null if neither. */
export function parseTime(value) {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = String(value).trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

export function formatTime(ms) {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function timeZoneLabel(ms) {
  const offset = -new Date(ms).getTimezoneOffset();
  if (offset === 0) return 'UTC';
  const sign = offset > 0 ? '+' : '−';
  return `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** "5 min ago" relative to `reference`. */
export function formatAgo(ms, reference) {
  if (ms === null || ms === undefined) return 'never';
  const delta = reference - ms;
  if (delta < -1000) return `${formatDuration(-delta)} ahead`;
  if (delta < 5000) return state.at === null ? 'just now' : 'at that moment';
  return `${formatDuration(delta)} ${state.at === null ? 'ago' : 'before'}`;
}

export function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = ms / HOUR;
  if (hours < 48) return `${hours < 10 ? Math.round(hours * 10) / 10 : Math.round(hours)} h`;
  return `${Math.round(ms / DAY)} d`;
}

export function formatValue(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits });
  return /^-0(\.0*)?$/.test(text) ? '0' : text; // -0.0001 rounds to "-0"
}

export const UNIT_NAMES = { Cel: '°C', '[degF]': '°F', K: 'K' };
export const formatUnit = (unit) => (unit ? UNIT_NAMES[unit] || unit : '');

/** The value of a datetime-local input for `ms` (local time). */
export function localInputValue(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Milliseconds from a datetime-local input value (local time), or null. */
export function fromLocalInput(value) {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

export const isoTime = (ms) => new Date(ms).toISOString();
