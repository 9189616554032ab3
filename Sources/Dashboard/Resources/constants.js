// telemetry-bridge dashboard, time units, ranges and list limits shared by the pages, and the SVG namespace.
// The SVG namespace, taken from the HTML parser (a constant, no data involved).
export const SVG_NS = (() => {
  const template = document.createElement('template');
  template.innerHTML = '<svg></svg>';
  return template.content.firstChild.namespaceURI;
})();

export const MINUTE = 60000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const RANGES = [['1h', HOUR], ['24h', DAY], ['7d', 7 * DAY], ['30d', 30 * DAY], ['1y', 365 * DAY]];
export const LIST_LIMIT = 1000;
export const DEAD_LETTER_REASONS = [
  'unknown_topic', 'unknown_metric', 'payload_too_large', 'invalid_utf8', 'malformed_json', 'unexpected_shape',
  'missing_metric', 'not_a_number', 'non_finite', 'out_of_range', 'invalid_timestamp', 'unit_mismatch',
  'implausible_timestamp', 'device_limit', 'device_not_allowed',
];
