// The session: tokens kept in localStorage (see README, "Where the tokens live"), the access token renewed
// with the refresh token before it expires, and one refresh at a time across tabs (refresh tokens are
// single-use: two tabs spending the same one would revoke the whole family).
import { auth, send, setBaseUrl } from "./api.js";

const KEY = "softphone.session";
const EARLY_SECONDS = 60; // renew this long before expiry (or halfway through a short lifetime)
export const RETRY_MS = 5000; // offline or the service down: try the renewal again this much later
const ANSWERS = new Set(["invalid_credentials", "login_code_required"]); // 401s that are no expired token
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
  setBaseUrl(apiBaseUrl);
  onExpired = expired;
}

export const current = () => session;

/** A signed-in request: the access token renewed first when it has expired, and once more on a 401. */
export async function request(method, path, options = {}) {
  if (session && Date.now() >= session.expiresAt) await refresh();
  try {
    return await send(method, path, { ...options, token: session?.access });
  } catch (error) {
    // Only a refused token is renewed: a wrong password (invalid_credentials) is an answer, not an expiry.
    if (error.status !== 401 || ANSWERS.has(error.type) || !session) throw error;
    await refresh(); // the access token may have expired in flight (or the laptop slept): renew once
    return send(method, path, { ...options, token: session?.access });
  }
}

/** The pair issued for a request sent at `sent`: its expiry counted from the request, not the response (a slow
 * answer must not make it look younger), less the second the server's whole-second `exp` may have taken. */
function adopt(tokens, email, sent) {
  save({
    access: tokens.access_token,
    refresh: tokens.refresh_token,
    expiresAt: sent + (tokens.expires_in - 1) * 1000,
    lifetime: tokens.expires_in,
    email,
  });
}

/** `options`: {loginCode, language} (the code the API asked for with login_code_required). */
export async function signIn(email, password, options = {}) {
  const sent = Date.now();
  adopt(await auth.login(email, password, options), email, sent);
}

export const signUp = (email, password, language) => auth.register(email, password, language);

export async function signOut() {
  const refreshToken = session?.refresh;
  save(null);
  if (refreshToken) await auth.logout(refreshToken).catch(() => {});
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
  const locks = globalThis.navigator?.locks;
  return locks ? locks.request(KEY, task) : task();
}

async function renew() {
  const stored = load();
  if (!stored) return expire();
  if (session && stored.refresh !== session.refresh && stored.expiresAt > Date.now() + 1000) {
    session = stored; // another tab renewed while we waited for the lock
    return schedule();
  }
  const sent = Date.now();
  try {
    adopt(await auth.refresh(stored.refresh), stored.email, sent);
  } catch (error) {
    if (error.status === 0 || error.status >= 500) {
      clearTimeout(timer);
      timer = setTimeout(() => refresh().catch(() => {}), RETRY_MS); // keep the session, retry
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

/** Another tab signed in, renewed or signed out: follow it. */
export function followOtherTabs(event) {
  if (event.key !== KEY) return;
  session = load();
  schedule();
  if (!session) onExpired();
}
globalThis.addEventListener?.("storage", followOtherTabs);

export function resume() {
  schedule();
  return session;
}
