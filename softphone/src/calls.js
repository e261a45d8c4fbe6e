// A call's life on the page, as one table (the server's is shared/calls_platform/domain/calls.py). call.js
// feeds it events from the person, the API and the engine; an event a state does not list is ignored, so an
// ended call can never go back to "Ringing…" or "Talking" whatever arrives late.

/** state → event → next state. */
export const TABLE = {
  idle: { dial: "placing", found: "connecting" },
  // initiate is in flight: no call exists yet
  placing: { created: "connecting", refused: "idle", hangup: "cancelling" },
  // hang up pressed before initiate answered: the call is ended as soon as it exists
  cancelling: { created: "ending", refused: "idle" },
  connecting: { ringing: "ringing", answered: "active", hangup: "ending", lost: "checking", final: "ended" },
  ringing: { answered: "active", hangup: "ending", lost: "checking", final: "ended" },
  active: { hangup: "ending", lost: "checking", final: "ended" },
  // the engine saw the call end: the server is asked why for a moment before the page ends it itself
  checking: { hangup: "ending", unconfirmed: "ending", final: "ended" },
  // the page asked the server to terminate: the reason it tells is the page's own
  ending: { final: "ended", terminated: "ended" },
  ended: { dial: "placing", found: "connecting" },
};

/** The events: what each one means. */
export const EVENTS = {
  dial: "the person pressed Call",
  found: "a live call this page did not place: from before a reload, or another tab's (shown with Hang up)",
  created: "initiate answered: the call exists",
  refused: "initiate was refused: no call exists",
  hangup: "the person pressed Hang up (or signed out)",
  ringing: "the server or the engine says the other side is ringing",
  answered: "the server or the engine says the call is up",
  lost: "the engine saw the call end or fail",
  unconfirmed: "the server still thinks the call is live after the engine saw it end",
  final: "the server reports the call ended",
  terminated: "the page's own terminate finished",
};

/** The words (i18n `status.*`) each state shows; null keeps what was shown (a call being ended). */
export const LABEL = {
  idle: "idle",
  placing: "connecting",
  cancelling: "connecting",
  connecting: "connecting",
  ringing: "ringing",
  active: "active",
  checking: null,
  ending: null,
  ended: "ended",
};

/** The state after `event`, or null when the state ignores it. */
export function next(state, event) {
  return TABLE[state]?.[event] ?? null;
}

/** States with a call on the server that the page follows (polls, shows controls for). */
export const LIVE = new Set(["connecting", "ringing", "active", "checking", "ending"]);

const FINAL = new Set(["completed", "failed", "busy", "no-answer", "canceled"]);
export const isFinal = (call) => FINAL.has(call?.status);

/** What the person is told about a call the server reports ended, in state `state`. After the page's own
 * terminate the server says "you hung up": the page knows why it ended the call (`pageReason`). */
export function endReason(state, call, pageReason) {
  if (state === "ending" && call.end_reason === "caller_hung_up" && pageReason) return pageReason;
  return call.end_reason || call.status.replace("-", "_");
}

/** The event a server status report (GET /api/calls/{id}) is, or null. */
export function serverEvent(call) {
  if (isFinal(call)) return "final";
  if (call.status === "active") return "answered";
  if (call.status === "ringing") return "ringing";
  return null;
}
