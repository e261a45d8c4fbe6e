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

/** One request: `token` as a bearer token, `headers` added. */
export async function send(method, path, { body, token, headers = {} } = {}) {
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
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(response.status, data.error || "unknown", data.message || "");
    error.retryAfter = Number(response.headers.get("Retry-After")) || 0; // seconds, for 429s
    throw error;
  }
  return data;
}

/** The anonymous calls: accounts and the token pair. */
export const auth = {
  register: (email, password) => send("POST", "/api/auth/register", { body: { email, password } }),
  login: (email, password) => send("POST", "/api/auth/login", { body: { email, password } }),
  refresh: (refreshToken) => send("POST", "/api/auth/refresh", { body: { refresh_token: refreshToken } }),
  logout: (refreshToken) => send("POST", "/api/auth/logout", { body: { refresh_token: refreshToken } }),
};

/** The signed-in calls, over `request(method, path, {body, headers})` (the session's, with the token). */
export function client(request) {
  return {
    initiate: (phoneNumber) =>
      request("POST", "/api/calls/initiate", {
        body: { phone_number: phoneNumber },
        headers: { "Idempotency-Key": crypto.randomUUID() },
      }),
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
    contacts: () => request("GET", "/api/contacts"),
    addContact: (name, phoneNumber) => request("POST", "/api/contacts", { body: { name, phone_number: phoneNumber } }),
    updateContact: (contactId, changes) =>
      request("PATCH", `/api/contacts/${encodeURIComponent(contactId)}`, { body: changes }),
    deleteContact: (contactId) => request("DELETE", `/api/contacts/${encodeURIComponent(contactId)}`),
  };
}
