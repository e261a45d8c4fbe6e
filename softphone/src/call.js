// One call at a time: initiate, hand the offer to the engine, follow the server's status (polling) and the
// engine's events, a timer from the answer, mute, keypad, hang up. Every change of the call's state goes
// through the table in calls.js; this module does what each state needs on the screen and the API.
// A call is never stranded: a reloaded page finds the account's live call (GET /api/calls/live), and every
// tab of the browser learns of a call at once (tabs.js); either shows it with Hang up, without its sound.
import { endReason, LABEL, LIVE, next, serverEvent } from "./calls.js";
import {
  closeScreen,
  detached,
  note,
  openScreen,
  relabelScreen,
  setName,
  setupScreen,
  showMuted,
  tonesWork,
} from "./callscreen.js";
import { $ } from "./dom.js";
import { clock } from "./history.js";
import { errorText, reasonText, t } from "./i18n.js";
import { channel, shared } from "./tabs.js";

const SERVER_CHECKS = 3; // after the engine saw a call end, before the page terminates it itself
const SERVER_CHECK_MS = 700;
const live = {
  state: "idle",
  call: null,
  last: null, // the server's latest report of the call
  answeredAt: 0,
  poll: 0,
  tick: 0,
  muted: false,
  attached: true, // its sound is in this page (false: another tab's call, or one from before a reload)
  name: "",
  number: "", // E.164
  reason: "", // why the page is ending the call itself: what it tells, whatever a poll answers meanwhile
};
let deps = null; // {api, engine, say, ended, speaker}
let tabs = null;

/** Applies `event` through the table; false (and nothing changes) when the current state ignores it. */
function fire(event) {
  const state = next(live.state, event);
  if (!state) return false;
  live.state = state;
  if (LABEL[state] && LABEL[state] !== "ended") show(LABEL[state]);
  if (state === "active") startTimer(live.answerTime);
  return true;
}

function show(label, reason) {
  $("call-status").textContent =
    label === "ended" ? t("status.ended", { reason: reasonText(reason) }) : t(`status.${label}`);
  $("call-status").dataset.state = label;
  if (label === "ended") $("call-status").dataset.reason = reason;
}

export function relabel() {
  const el = $("call-status");
  if (el.dataset.state === "ended") show("ended", el.dataset.reason);
  else show(el.dataset.state || "idle");
  relabelScreen();
}

function startTimer(answerTime) {
  if (live.answeredAt) return;
  const server = answerTime ? Date.parse(answerTime) : NaN;
  // The server's answer time, unless the two clocks disagree by more than a few seconds; a call found live
  // (answered before this page knew of it) keeps any answer time from the past.
  const fresh = Math.abs(server - Date.now()) < 5000;
  live.answeredAt = fresh || (!live.attached && server < Date.now()) ? server : Date.now();
  $("call-timer").hidden = false;
  const paint = () => ($("call-timer").textContent = clock(Math.max(0, Date.now() - live.answeredAt) / 1000));
  paint();
  live.tick = setInterval(paint, 500);
}

const brief = (call) => {
  const { call_id, status, phone_number, answer_time, start_time, end_reason } = call;
  // initiate's answer has no number: the page's own is the one it dialled
  return { call_id, status, phone_number: phone_number || live.number, answer_time, start_time, end_reason };
};
const share = (call) => tabs.post({ type: "call", call: brief(call), name: live.name, owner: live.attached });

/** A status report from the server (or another tab) for the live call. */
function apply(call) {
  if (!live.call || call.call_id !== live.call.call_id) return;
  const changed = call.status !== live.last?.status;
  live.last = call;
  if (changed) share(call); // the other tabs see the change at once
  const event = serverEvent(call);
  if (event === "final") return finish(endReason(live.state, call, live.reason));
  live.answerTime = call.answer_time;
  if (event) fire(event);
}

async function poll() {
  if (!live.call) return;
  try {
    apply(await deps.api.call(live.call.call_id));
  } catch (error) {
    if (error.type === "network") deps.say(errorText("network"));
  }
}

/** The call is over (`final` or `terminated`): stop everything and say why. */
function finish(reason, event = "final") {
  if (!live.call || !fire(event)) return;
  const callId = live.call.call_id;
  clearInterval(live.poll);
  clearInterval(live.tick);
  deps.engine.disconnect();
  live.call = null;
  live.last = null;
  tabs.post({ type: "ended", call_id: callId });
  show("ended", reason);
  closeScreen();
  $("call-button").hidden = false;
  deps.ended();
  $("call-button").focus();
}

const known = (call) => deps.api.call(call.call_id).catch(() => null);

/** The engine saw the call end: the provider's report of why (e.g. the callee hung up) usually reaches the
 * server within a second. Wait for it briefly; terminate only if the server still thinks it is live. */
async function lost(reason) {
  if (!fire("lost")) return;
  const call = live.call;
  for (let check = 0; check < SERVER_CHECKS; check++) {
    if (check) await new Promise((done) => setTimeout(done, SERVER_CHECK_MS));
    if (live.state !== "checking") return; // a poll saw it end, or the person hung up meanwhile
    const report = await known(call);
    if (report && live.state === "checking") apply(report);
  }
  if (fire("unconfirmed")) await terminate(reason);
}

/** Ends the call on the server, then locally; `reason` is what the person is told. */
async function terminate(reason) {
  const call = live.call;
  live.reason = reason;
  try {
    // A lost media connection is said so: history then shows why, not "you hung up".
    await deps.api.terminate(call.call_id, reason === "connection_lost" ? reason : undefined);
  } catch (error) {
    // Already ended (by the callee, another tab, the sweep) is no error: the calm ended line says why.
    if (error.type !== "call_already_ended") deps.say(errorText(error.type));
    const report = await known(call);
    if (report?.end_reason && reason === "caller_hung_up") reason = report.end_reason;
  }
  finish(reason, "terminated");
}

async function hangUpPressed() {
  const state = live.state;
  if (!fire("hangup")) return;
  if (state !== "placing") await terminate("caller_hung_up"); // while placing: ended once it exists
}

function begin(call, number, name, attached) {
  clearInterval(live.tick);
  Object.assign(live, { call, last: call, answeredAt: 0, answerTime: null, muted: false, reason: "" });
  Object.assign(live, { attached, name: name || "", number });
  $("call-timer").hidden = true;
  $("call-timer").textContent = "0:00";
  $("call-button").hidden = true;
  openScreen({ number, name });
}

export async function placeCall(e164, name = "") {
  if (!deps.engine.supported()) return deps.say(t("unsupported")); // no call the browser cannot carry
  if (!fire("dial")) return;
  deps.say("");
  deps.engine.setMuted(false); // a call starts unmuted, whatever the last one was
  begin(null, e164, name, true);
  $("hangup-button").focus();
  let call;
  try {
    call = await deps.api.initiate(e164);
  } catch (error) {
    // Refused before any call existed (a limit, a number not allowed, the service down): say why, no "ended".
    fire("refused");
    closeScreen();
    $("call-button").hidden = false;
    if (error.type === "call_in_progress") return findLive(); // it is somewhere: show it, with Hang up
    deps.say(errorText(error.type, error.retryAfter));
    $("call-button").focus();
    return;
  }
  live.call = call;
  live.last = call;
  fire("created");
  share(call);
  if (live.state === "ending") return terminate("caller_hung_up"); // hang up was pressed meanwhile
  live.poll = setInterval(poll, 1000);
  try {
    await deps.engine.connect(call);
    await poll();
  } catch (error) {
    if (live.call !== call || !LIVE.has(live.state) || live.state === "ending") return; // hung up meanwhile
    deps.say(errorText(error.type || "connection_failed"));
    await lost("connection_failed");
  }
}

/** Shows a live call this page did not place (`why`: "reload" or "tab"), with Hang up. */
function adopt(call, why, name = "") {
  if (live.call) {
    if (live.call.call_id !== call.call_id) return;
    if (why === "tab" && !live.attached) detached("tab");
    if (name) setName(name);
    return apply(call);
  }
  if (serverEvent(call) === "final" || !fire("found")) return;
  begin(call, call.phone_number, name, false);
  live.last = null; // so that apply shares what this tab now shows
  detached(why);
  apply(call);
  live.poll = setInterval(poll, 1000); // the poll is also the call's heartbeat (docs/live-calls.md)
}

/** Asks the other tabs and the server for the account's live call; shows it if there is one. */
export async function findLive() {
  tabs.post({ type: "hello" });
  try {
    const { calls = [] } = await deps.api.live();
    if (calls[0]) adopt(calls[0], "reload");
  } catch (error) {
    if (error.type === "network") deps.say(errorText("network"));
  }
}

function onShared(message) {
  const action = shared(message, live.call?.call_id ?? null);
  if (action === "adopt") adopt(message.call, message.owner ? "tab" : "reload", message.name);
  else if (action === "apply") adopt(message.call, message.owner ? "tab" : "", message.name);
  else if (action === "check") poll();
  else if (action === "announce") share(live.last || live.call);
}

function onEngine(event) {
  const ours = LIVE.has(live.state) && live.attached; // events about a call only count while it plays here
  if (event.type === "ringing" || event.type === "talking") {
    if (ours) fire(event.type === "ringing" ? "ringing" : "answered");
  } else if (event.type === "ended") {
    if (!ours) return;
    if (event.reason === "connection_failed" || event.reason === "connection_lost")
      deps.say(errorText("connection_failed"));
    lost(event.reason || "unknown");
  } else if (event.type === "warning" && event.code === "network") {
    if (ours) note(t("warning.network"), "warning.network"); // call quality, not a lost connection
  } else if (event.type === "warning" && event.code === "incoming_rejected") {
    // A leg that is not this page's call was refused: nothing the person did or needs to act on.
  } else {
    deps.say(errorText(event.code));
    if (event.type === "error" && event.code === "connection_failed" && ours) lost("connection_failed");
  }
}

function tone(key) {
  if (!live.attached || !LIVE.has(live.state)) return;
  if (!deps.engine.sendDigits(key)) {
    tonesWork(false); // this connection cannot send tones: the keys stay put, disabled, and it is said why
    note(t("keypadUnavailable"), "keypadUnavailable");
  }
}

function toggleMute() {
  live.muted = !live.muted;
  deps.engine.setMuted(live.muted);
  showMuted(live.muted);
}

export function setupCall(api, engineFactory, say, ended, speaker) {
  deps = { api, say, ended };
  deps.engine = engineFactory(onEngine);
  tabs = channel();
  tabs.listen(onShared);
  setupScreen({ tone, hangUp: hangUpPressed, mute: toggleMute, speaker, live: () => inCall() });
  show("idle");
  return deps.engine;
}

export const inCall = () => LIVE.has(live.state) || live.state === "placing" || live.state === "cancelling";

/** Hangs up the live call, if any (e.g. before signing out). */
export const hangUp = () => hangUpPressed();
