// The API client and the session: tokens kept in localStorage (see README, "Where the tokens live"), the
// access token renewed with the refresh token before it expires, and one refresh at a time across tabs
// (refresh tokens are single-use: two tabs spending the same one would revoke the whole family).

const KEY = "softphone.session";
const EARLY_SECONDS = 60; // renew this long before expiry (or halfway through a short lifetime)
let baseUrl = "";
let session = load();
let timer = null;
let onExpired = () => {};

function load() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

function save(next) {
  session = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  schedule();
}

export function configure({ apiBaseUrl, expired }) {
  baseUrl = (apiBaseUrl || "").replace(/\/$/, "");
  onExpired = expired;
}

export const current = () => session;

class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    Object.assign(this, { status, type });
  }
}

async function send(method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  if (method === "POST" && path === "/api/calls/initiate") headers["Idempotency-Key"] = crypto.randomUUID();
  let response;
  try {
    response = await fetch(baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "network");
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(response.status, data.error || "unknown", data.message || "");
    error.retryAfter = Number(response.headers.get("Retry-After")) || 0; // seconds, for 429s
    throw error;
  }
  return data;
}

/** The page's API client (the engines get it too): JSON in and out, errors as {status, type, message}. */
export async function api(method, path, body) {
  const anonymous = path.startsWith("/api/auth/");
  if (!anonymous && session && Date.now() >= session.expiresAt) await refresh();
  try {
    return await send(method, path, body, anonymous ? null : session?.access);
  } catch (error) {
    if (anonymous || error.status !== 401 || !session) throw error;
    await refresh(); // the access token may have expired in flight (or the laptop slept): renew once
    return send(method, path, body, session?.access);
  }
}

function adopt(tokens, email) {
  save({
    access: tokens.access_token,
    refresh: tokens.refresh_token,
    expiresAt: Date.now() + tokens.expires_in * 1000,
    lifetime: tokens.expires_in,
    email,
  });
}

export async function signIn(email, password) {
  adopt(await send("POST", "/api/auth/login", { email, password }), email);
}

export const signUp = (email, password) => send("POST", "/api/auth/register", { email, password });

export async function signOut() {
  const refreshToken = session?.refresh;
  save(null);
  if (refreshToken) await send("POST", "/api/auth/logout", { refresh_token: refreshToken }).catch(() => {});
}

let inFlight = null;

/** Renews the pair; concurrent callers share one request; tabs take turns through a Web Lock. */
export function refresh() {
  inFlight ||= withLock(renew).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

function withLock(task) {
  return navigator.locks ? navigator.locks.request(KEY, task) : task();
}

async function renew() {
  const stored = load();
  if (!stored) return expire();
  if (session && stored.refresh !== session.refresh && stored.expiresAt > Date.now() + 1000) {
    session = stored; // another tab renewed while we waited for the lock
    return schedule();
  }
  try {
    const tokens = await send("POST", "/api/auth/refresh", { refresh_token: stored.refresh });
    adopt(tokens, stored.email);
  } catch (error) {
    if (error.status === 0 || error.status >= 500) {
      timer = setTimeout(refresh, 5000); // offline or the service is down: keep the session, retry
      throw error;
    }
    expire();
    throw error;
  }
}

function expire() {
  save(null);
  onExpired();
}

function schedule() {
  clearTimeout(timer);
  if (!session) return;
  const lead = Math.min(EARLY_SECONDS, session.lifetime / 2) * 1000;
  timer = setTimeout(() => refresh().catch(() => {}), Math.max(0, session.expiresAt - Date.now() - lead));
}

// Another tab signed in, renewed or signed out: follow it.
addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  session = load();
  schedule();
  if (!session) onExpired();
});

export function resume() {
  schedule();
  return session;
}
