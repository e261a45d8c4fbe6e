// The tabs of one browser share what they know of the live call over a BroadcastChannel, at once: a call
// started, changed or ended in one tab shows in every other, each with Hang up. Messages:
//   {type: "call", call, name, owner}  the call as a tab knows it (`owner`: its sound plays in that tab)
//   {type: "ended", call_id}          a tab ended the call (the others ask the server why)
//   {type: "hello"}                   a tab has just opened: whoever holds a live call says so
// `shared` is the pure part: what a message means for a tab that follows `followed` (a call id or null).

const NAME = "softphone.calls";
const FINAL = new Set(["completed", "failed", "busy", "no-answer", "canceled"]);

/** What to do with `message`: "adopt" (show a call this tab does not follow), "apply" (a report about the
 * call it follows), "check" (ask the server now), "announce" (tell the new tab about our call), or null. */
export function shared(message, followed) {
  if (!message || typeof message !== "object") return null;
  if (message.type === "hello") return followed ? "announce" : null;
  if (message.type === "ended") return message.call_id === followed ? "check" : null;
  if (message.type !== "call" || !message.call?.call_id) return null;
  if (message.call.call_id === followed) return "apply";
  return followed || FINAL.has(message.call.status) ? null : "adopt";
}

/** The channel (a no-op where the browser has none): `post(message)`, `listen(handler)`. */
export function channel(scope = globalThis) {
  const bc = typeof scope.BroadcastChannel === "function" ? new scope.BroadcastChannel(NAME) : null;
  return {
    post: (message) => bc?.postMessage(message),
    listen: (handler) => bc?.addEventListener("message", (event) => handler(event.data)),
  };
}
