// The session (src/session.js): the access token renewed before it expires, a 401 renewed and retried once,
// a renewal that fails on the network retried later with the session kept, a refused one ending the session.
import assert from "node:assert/strict";
import { beforeEach, mock, test } from "node:test";

const store = new Map();
globalThis.localStorage = {
  getItem: (key) => (store.has(key) ? store.get(key) : null),
  setItem: (key, value) => store.set(key, String(value)),
  removeItem: (key) => store.delete(key),
};
const requests = [];
let answers = []; // what the fake API answers next, in order: [status, body]
globalThis.fetch = async (url, init) => {
  requests.push({
    url,
    method: init.method,
    auth: init.headers.Authorization,
    body: init.body && JSON.parse(init.body),
  });
  const [status, body, delay = 0] = answers.shift() ?? [500, {}];
  if (delay) await new Promise((done) => setTimeout(done, delay)); // a slow answer (a loaded server)
  if (status === 0) throw new TypeError("offline");
  return { ok: status < 400, status, json: async () => body, headers: { get: () => null } };
};
const session = await import("../src/session.js");
let expired = 0;
session.configure({ apiBaseUrl: "http://api/", expired: () => expired++ });

const pair = (n, ttl = 300) => [200, { access_token: `a${n}`, refresh_token: `r${n}`, expires_in: ttl }];
const flush = () => new Promise((done) => setImmediate(done));
const refreshes = () => requests.filter((r) => r.url.endsWith("/api/auth/refresh"));

mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });

beforeEach(async () => {
  requests.length = 0;
  expired = 0;
  answers = [pair(1)];
  await session.signIn("a@example.com", "password123");
  requests.length = 0;
});

test("the access token is renewed a minute before it expires, and the rotated pair is stored", async () => {
  answers = [pair(2)];
  mock.timers.tick(238_000); // 300 s from the request, less the second of the server's whole-second expiry
  await flush();
  assert.equal(refreshes().length, 0);
  mock.timers.tick(1_000);
  await flush();
  assert.deepEqual(
    refreshes().map((r) => r.body),
    [{ refresh_token: "r1" }],
  );
  assert.equal(session.current().access, "a2");
  assert.equal(JSON.parse(store.get("softphone.session")).refresh, "r2");
});

test("a short lifetime is renewed halfway through", async () => {
  answers = [pair(2, 4)];
  await session.refresh();
  requests.length = 0;
  answers = [pair(3, 4)];
  mock.timers.tick(2_000);
  await flush();
  assert.equal(refreshes().length, 1);
});

test("a slow answer does not make the token look younger: renewed before the server's expiry", async () => {
  // A 4 s token answered 1.5 s after the request (a loaded machine): the server's exp, whole seconds from its
  // clock, may come 3 s after the request. Counted from the answer, the page renewed only 3.5 s after it.
  const sent = Date.now();
  answers = [[...pair(2, 4), 1_500]];
  const signedIn = session.signIn("a@example.com", "password123");
  mock.timers.tick(1_500);
  await signedIn;
  requests.length = 0;
  answers = [pair(3, 4)];
  mock.timers.tick(sent + 3_000 - Date.now() - 1);
  await flush();
  assert.equal(refreshes().length, 1);
});

test("a 401 on a request renews the token once and retries it with the new one", async () => {
  answers = [[401, { error: "unauthorized" }], pair(2), [200, { calls: [] }]];
  const data = await session.request("GET", "/api/calls/history?limit=10");
  assert.deepEqual(data, { calls: [] });
  assert.deepEqual(
    requests.map((r) => [r.url.replace("http://api", ""), r.auth]),
    [
      ["/api/calls/history?limit=10", "Bearer a1"],
      ["/api/auth/refresh", undefined],
      ["/api/calls/history?limit=10", "Bearer a2"],
    ],
  );
});

test("a wrong password's 401 is an answer: no renewal, no retry", async () => {
  answers = [[401, { error: "invalid_credentials" }]];
  await assert.rejects(session.request("POST", "/api/auth/password", { body: {} }), { type: "invalid_credentials" });
  assert.equal(requests.length, 1);
  assert.equal(session.current().refresh, "r1");
});

test("a sign-in code goes with the login, the page's language with the emails it may send", async () => {
  answers = [pair(2)];
  await session.signIn("a@example.com", "password123", { loginCode: "12345678", language: "ru" });
  assert.deepEqual(requests[0].body, {
    email: "a@example.com",
    password: "password123",
    login_code: "12345678",
    language: "ru",
  });
  assert.equal(session.current().access, "a2");
});

test("an expired token is renewed before the request, not after a 401", async () => {
  mock.timers.setTime(Date.now() + 301_000); // the laptop slept: no timer ran
  answers = [pair(2), [200, { ok: true }]];
  await session.request("GET", "/api/calls/x");
  assert.deepEqual(
    requests.map((r) => r.auth),
    [undefined, "Bearer a2"],
  );
});

test("concurrent renewals share one request (refresh tokens are single use)", async () => {
  answers = [pair(2)];
  await Promise.all([session.refresh(), session.refresh(), session.refresh()]);
  assert.equal(refreshes().length, 1);
});

test("offline or a 5xx during renewal keeps the session and retries later", async () => {
  answers = [[0, {}]];
  await assert.rejects(session.refresh(), { type: "network" });
  assert.equal(session.current().refresh, "r1");
  assert.equal(expired, 0);
  answers = [[503, { error: "service_unavailable" }], pair(2)];
  mock.timers.tick(5_000);
  await flush();
  assert.equal(session.current().refresh, "r1"); // still down: kept again
  mock.timers.tick(5_000);
  await flush();
  assert.equal(session.current().refresh, "r2");
  assert.equal(expired, 0);
});

test("a refused renewal ends the session and tells the page", async () => {
  answers = [[401, { error: "unauthorized" }]];
  await assert.rejects(session.refresh(), { status: 401 });
  assert.equal(session.current(), null);
  assert.equal(store.has("softphone.session"), false);
  assert.equal(expired, 1);
});

test("sign-out forgets the pair and revokes the refresh token", async () => {
  answers = [[204, {}]];
  await session.signOut();
  assert.equal(session.current(), null);
  assert.deepEqual(
    requests.map((r) => [r.url, r.body]),
    [["http://api/api/auth/logout", { refresh_token: "r1" }]],
  );
});
