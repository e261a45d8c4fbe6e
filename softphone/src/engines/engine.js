// The engines' shared interface: what call.js and main.js may ask of an engine, and what an engine may
// tell them. Two engines implement it: browser.js (mock mode: the browser's own RTCPeerConnection answers
// the API's SDP offer) and twilio.js (Twilio mode: the Voice SDK's Device). main.js picks one by the mode
// in /config.json; nothing else knows which one runs.
//
// createEngine({ api, emit }) → engine, where `api` is the API client (api.js `client`) and `emit(event)`
// tells the page what happened; `realMedia` (config.json) says a real peer holds the call's other end. An engine never shows words: it emits codes, the page maps them (i18n.js).
//
// Methods (all required):
//   supported()        → true when this browser can carry the engine's calls (checked before dialling)
//   start()            → Promise; after sign-in (Twilio: registers the Device). Failures are emitted.
//   connect(call)      → Promise; the call initiate created ({call_id, sdp_offer?}): connect its media.
//                        Rejects ({type}) when it cannot; the page then ends the call.
//   setMuted(muted)    → mutes or unmutes the microphone of the live call (and of the next one's start)
//   sendDigits(keys)   → true when the engine carries keypad tones (false: the page hides the keypad)
//   disconnect()       → ends the live call's media (the page has already told, or will tell, the API)
//   stop()             → disconnect() and release everything (sign-out, session ended)
//   setDevices({input, output}) → the microphone and speaker chosen in the check (device ids)
//
// Events emitted ({type, ...}):
//   {type: "ringing"}                  the other side is being rung (Twilio: the browser leg is up)
//   {type: "talking"}                  media flows both ways
//   {type: "ended", reason}            the call ended outside the page (reason: an end reason code)
//   {type: "warning", code}            tell the person, keep the call ("network", "mic_denied", ...)
//   {type: "error", code}              tell the person; "connection_failed" also ends the call

export const METHODS = ["supported", "start", "connect", "setMuted", "sendDigits", "disconnect", "stop", "setDevices"];
export const EVENTS = ["ringing", "talking", "ended", "warning", "error"];

/** The engine, once checked to implement every method above (a missing one fails at start, not mid-call). */
export function checked(engine) {
  const missing = METHODS.filter((name) => typeof engine[name] !== "function");
  if (missing.length) throw new TypeError(`engine lacks ${missing.join(", ")}`);
  return engine;
}

/** Whether this browser has WebRTC at all: both engines need it to carry a call's sound. */
export const hasWebRtc = (scope = globalThis) => typeof scope.RTCPeerConnection === "function";
