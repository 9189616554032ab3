// telemetry-bridge dashboard, the JSON API client.

export class APIError extends Error {
  constructor(status, message, parameter) {
    super(message);
    this.status = status;
    this.parameter = parameter;
  }
}

export async function api(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  const response = await fetch(search ? `${path}?${search}` : path, { headers: { Accept: 'application/json' } });
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error : `${response.status} ${response.statusText}`;
    throw new APIError(response.status, message, body && body.parameter);
  }
  return body;
}

/**
 * Carries out an operator's command (`ack`, `silence`, `unsilence`) with the MQTT commands' JSON;
 * resolves to the logged event, rejects with an APIError naming the refused parameter.
 */
export async function command(name, body) {
  const response = await fetch(`/api/commands/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  let answer = null;
  try {
    answer = await response.json();
  } catch (_) {
    answer = null;
  }
  if (!response.ok || !answer || !answer.ok) {
    const error = answer && answer.error ? answer.error : {};
    throw new APIError(response.status, error.message || `${response.status} ${response.statusText}`, error.parameter);
  }
  return answer.event;
}

/** Replays a draft rule file (YAML) over one device's range beside the current rules. */
export async function backtest(device, from, to, draft) {
  const params = new URLSearchParams({ device, from: String(Math.round(from)), to: String(Math.round(to)) });
  const response = await fetch(`/api/backtest?${params}`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/yaml' },
    body: draft,
  });
  let answer = null;
  try {
    answer = await response.json();
  } catch (_) {
    answer = null;
  }
  if (!response.ok || !answer) {
    throw new APIError(response.status, (answer && answer.error) || `${response.status} ${response.statusText}`, answer && answer.parameter);
  }
  return answer;
}
