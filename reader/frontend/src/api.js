// The public API, as any reader app uses it: a Bearer token, JSON, the
// caller's language, and an outbox for actions taken offline (sent once when
// the network returns, each with its own idempotency key).
import { currentLanguage } from "./i18n.js";
import * as store from "./store.js";

let token = null;
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || "";
    this.fields = body?.fields || {};
  }
}

let missedSignOut = null;

/** Call ``listener`` when the server refuses the token; a refusal that came
 * before anyone listened (the app's first request) is passed on at once. */
export function onSignedOut(listener) {
  listeners.add(listener);
  if (missedSignOut) {
    listener(missedSignOut);
    missedSignOut = null;
  }
  return () => listeners.delete(listener);
}

export function setToken(value) {
  token = value;
}

export function isSignedIn() {
  return Boolean(token);
}

/** A JSON call; ``body`` may be FormData (an upload: it needs the network,
 * never the outbox); ``blob`` answers the file itself (a download). */
export async function request(path, { method = "GET", body, headers = {}, blob = false } = {}) {
  const init = {
    method,
    headers: { Accept: "application/json", "Accept-Language": currentLanguage(), ...headers },
    credentials: "omit",
  };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  if (blob && response.ok) return response.blob();
  const data = await response.json().catch(() => null);
  if (response.status === 401 && token) {
    // An expired or revoked token: back to sign-in; drafts and the outbox stay.
    token = null;
    const code = data?.code || "token_expired";
    if (!listeners.size) missedSignOut = code;
    for (const listener of listeners) listener(code);
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

/** Send now, or keep in the outbox when the network is down; true when sent. */
export async function send(path, body, { method = "POST", key = newKey() } = {}) {
  const action = { key, path, method, body, at: Date.now() };
  try {
    await request(path, { method, body, headers: { "Idempotency-Key": key } });
    return true;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    await store.enqueue(action);
    return false;
  }
}

/** Send what was queued offline, oldest first; refusals are dropped, not retried. */
export async function flushOutbox() {
  const actions = (await store.queued()).sort((a, b) => a.at - b.at);
  let sent = 0;
  for (const action of actions) {
    try {
      await request(action.path, {
        method: action.method,
        body: action.body,
        headers: { "Idempotency-Key": action.key },
      });
      sent += 1;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401) return sent;
    }
    await store.dequeue(action.key);
  }
  return sent;
}
