// The console's REST API, as the pages call it: the session cookie goes by itself, a write
// brings the session's CSRF token, and an error comes back as an ApiError with its fields.

let csrf = null;
let onLoggedOut = () => {};

export function session(token, loggedOut) {
  csrf = token;
  if (loggedOut) onLoggedOut = loggedOut;
}

/** An answer the API refused: its status, message and field violations. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `the console answered ${status}`);
    this.status = status;
    this.violations = (body && body.field_violations) || [];
  }
}

/** One call: resolves to {status, body, etag}, or rejects with an ApiError. */
export async function call(method, path, body = undefined, ifMatch = null) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  if (ifMatch) headers['If-Match'] = ifMatch;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (notJson) {
    parsed = { message: text };
  }
  if (response.status === 401 && !path.startsWith('/api/v1/session')) onLoggedOut();
  if (!response.ok) throw new ApiError(response.status, parsed);
  return { status: response.status, body: parsed, etag: response.headers.get('ETag') };
}

export const get = async path => (await call('GET', path)).body;

/** A query string from an object, repeating a key for each value of an array. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) q.append(key, v);
  }
  return q.toString();
}

/** The range parameters of the last `seconds`. */
export function since(seconds, end = Date.now()) {
  return {
    'range.start_time': new Date(end - seconds * 1000).toISOString(),
    'range.end_time': new Date(end).toISOString(),
  };
}
