// telemetry-bridge dashboard, pairing raised and cleared events into firing spans.
import { parseTime } from './format.js';

/** Bands from raised/cleared events plus the alerts firing at the end of the range. */
export function alertSpans(events, firingAtEnd, end) {
  const spans = new Map();
  const ensure = (id) => {
    if (!spans.has(id)) spans.set(id, { id, alert: null, device: null, severity: null, from: null, to: null, firing: false, message: null, value: null, clearValue: null });
    return spans.get(id);
  };
  for (const event of events) {
    if (event.type === 'AlertRaised') {
      const span = ensure(event.id);
      Object.assign(span, {
        alert: event.alert, device: event.device, severity: event.severity || null,
        from: parseTime(event.at), message: event.message || null, value: event.value ?? null,
      });
    } else if (event.type === 'AlertCleared' && event.raisedId) {
      const span = ensure(event.raisedId);
      span.to = parseTime(event.at);
      span.clearValue = event.value ?? null;
      span.alert = span.alert || event.alert || null;
      span.device = span.device || event.device || null;
      if (span.from === null) span.from = parseTime(event.raisedAt);
    }
  }
  for (const event of firingAtEnd) {
    const span = ensure(event.id);
    Object.assign(span, {
      alert: event.alert, device: event.device, severity: event.severity || null,
      from: parseTime(event.at), message: event.message || null, value: event.value ?? null, to: null,
    });
  }
  const result = [];
  for (const span of spans.values()) {
    if (span.from === null) continue;
    span.firing = span.to === null;
    if (span.firing) span.to = end;
    result.push(span);
  }
  return result.sort((a, b) => b.from - a.from);
}
