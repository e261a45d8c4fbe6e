// The API client: one named function per endpoint the page uses, JSON in and out, errors as ApiError
// {status, type, message, retryAfter}. The session (session.js) adds the access token and renews it;
// initiate carries its Idempotency-Key here, so a retried request can never place a second call.

let baseUrl = "";

export function setBaseUrl(url) {
  baseUrl = (url || "").replace(/\/$/, "");
}

export class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    Object.assign(this, { status, type, retryAfter: 0 });
  }
}

/** One request: `token` as a bearer token, `headers` added; `as: "blob"` answers the body as it is (a file). */
export async function send(method, path, { body, token, headers = {}, as = "json" } = {}) {
  const all = { ...headers };
  if (body !== undefined) all["Content-Type"] = "application/json";
  if (token) all.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(baseUrl + path, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "network");
  }
  if (response.ok && as === "blob") return response.blob();
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(response.status, data.error || "unknown", data.message || "");
    error.retryAfter = Number(response.headers.get("Retry-After")) || 0; // seconds, for 429s
    throw error;
  }
  return data;
}

/** The anonymous calls: accounts and the token pair. `language` (en, ru) is that of the emails they send. */
export const auth = {
  register: (email, password, language) => send("POST", "/api/auth/register", { body: { email, password, language } }),
  login: (email, password, { loginCode, language } = {}) =>
    send("POST", "/api/auth/login", { body: { email, password, login_code: loginCode || undefined, language } }),
  refresh: (refreshToken) => send("POST", "/api/auth/refresh", { body: { refresh_token: refreshToken } }),
  logout: (refreshToken) => send("POST", "/api/auth/logout", { body: { refresh_token: refreshToken } }),
  verifyEmail: (token) => send("POST", "/api/auth/verify-email", { body: { token } }),
  requestReset: (email, language) => send("POST", "/api/auth/password-reset", { body: { email, language } }),
  confirmReset: (token, password) => send("POST", "/api/auth/password-reset/confirm", { body: { token, password } }),
};

/** The signed-in calls, over `request(method, path, {body, headers})` (the session's, with the token). */
export function client(request) {
  return {
    initiate: (phoneNumber) =>
      request("POST", "/api/calls/initiate", {
        body: { phone_number: phoneNumber },
        headers: { "Idempotency-Key": crypto.randomUUID() },
      }),
    live: () => request("GET", "/api/calls/live"),
    call: (callId) => request("GET", `/api/calls/${encodeURIComponent(callId)}`),
    answer: (callId, sdpAnswer) =>
      request("POST", "/api/calls/answer", { body: { call_id: callId, sdp_answer: sdpAnswer } }),
    terminate: (callId, reason) =>
      request("POST", "/api/calls/terminate", { body: { call_id: callId, ...(reason ? { reason } : {}) } }),
    history: ({ limit, cursor, status, q }) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor) query.set("cursor", cursor);
      if (status) query.set("status", status);
      if (q) query.set("q", q);
      return request("GET", `/api/calls/history?${query}`);
    },
    voiceToken: () => request("GET", "/api/voice/token"),
    account: () => request("GET", "/api/account"),
    // No body: the email's language comes from Accept-Language (the page's, not the browser's).
    resendVerification: (language) =>
      request("POST", "/api/auth/verify-email/resend", { headers: { "Accept-Language": language } }),
    changePassword: (current, next, language) =>
      request("POST", "/api/auth/password", { body: { current_password: current, new_password: next, language } }),
    deleteAccount: (password) => request("DELETE", "/api/account", { body: { password } }),
    exportCalls: () => request("GET", "/api/calls/export", { as: "blob" }),
    contacts: () => request("GET", "/api/contacts"),
    addContact: (name, phoneNumber) => request("POST", "/api/contacts", { body: { name, phone_number: phoneNumber } }),
    updateContact: (contactId, changes) =>
      request("PATCH", `/api/contacts/${encodeURIComponent(contactId)}`, { body: changes }),
    deleteContact: (contactId) => request("DELETE", `/api/contacts/${encodeURIComponent(contactId)}`),
  };
}
