// One call at a time: initiate, hand the offer to the engine, follow the server's status (polling) and the
// engine's events, a timer from the answer, mute, keypad, hang up. Every change of the call's state goes
// through the table in calls.js; this module does what each state needs on the screen and the API.
import { endReason, LABEL, LIVE, next, serverEvent } from "./calls.js";
import { $, make } from "./dom.js";
import { clock } from "./history.js";
import { errorText, reasonText, t } from "./i18n.js";

const SERVER_CHECKS = 3; // after the engine saw a call end, before the page terminates it itself
const SERVER_CHECK_MS = 700;
const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];
const live = {
  state: "idle",
  call: null,
  answeredAt: 0,
  poll: 0,
  tick: 0,
  muted: false,
  reason: "", // why the page is ending the call itself: what it tells, whatever a poll answers meanwhile
};
let deps = null; // {api, engine, say, ended}

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
}

function startTimer(answerTime) {
  if (live.answeredAt) return;
  const server = answerTime ? Date.parse(answerTime) : NaN;
  // The server's answer time, unless the two clocks disagree by more than a few seconds.
  live.answeredAt = Math.abs(server - Date.now()) < 5000 ? server : Date.now();
  $("call-timer").hidden = false;
  const paint = () => ($("call-timer").textContent = clock((Date.now() - live.answeredAt) / 1000));
  paint();
  live.tick = setInterval(paint, 500);
}

/** A status report from the server for the live call. */
function apply(call) {
  if (!live.call || call.call_id !== live.call.call_id) return;
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
  clearInterval(live.poll);
  clearInterval(live.tick);
  deps.engine.disconnect();
  live.call = null;
  if ($("message").textContent === t("keypadUnavailable")) deps.say(""); // a notice about this call only
  show("ended", reason);
  $("in-call").hidden = true;
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

export async function placeCall(e164) {
  if (!deps.engine.supported()) return deps.say(t("unsupported")); // no call the browser cannot carry
  if (!fire("dial")) return;
  deps.say("");
  Object.assign(live, { call: null, answeredAt: 0, answerTime: null, muted: false, reason: "" });
  deps.engine.setMuted(false); // a call starts unmuted, whatever the last one was
  $("mute-button").setAttribute("aria-pressed", "false");
  $("call-timer").hidden = true;
  $("call-timer").textContent = "0:00";
  enableKeypad(true);
  $("call-button").hidden = true;
  $("in-call").hidden = false;
  $("hangup-button").focus();
  let call;
  try {
    call = await deps.api.initiate(e164);
  } catch (error) {
    // Refused before any call existed (a limit, a number not allowed, the service down): say why, no "ended".
    fire("refused");
    deps.say(errorText(error.type, error.retryAfter));
    $("in-call").hidden = true;
    $("call-button").hidden = false;
    $("call-button").focus();
    return;
  }
  live.call = call;
  fire("created");
  if (live.state === "ending") return terminate("caller_hung_up"); // hang up was pressed meanwhile
  live.poll = setInterval(poll, 1000);
  try {
    await deps.engine.connect(call);
    await poll();
  } catch (error) {
    deps.say(errorText(error.type || "connection_failed"));
    await lost("connection_failed");
  }
}

function onEngine(event) {
  const ours = LIVE.has(live.state); // events about a call only count while the page follows one
  if (event.type === "ringing" || event.type === "talking") {
    if (ours) fire(event.type === "ringing" ? "ringing" : "answered");
  } else if (event.type === "ended") {
    if (!ours) return;
    if (event.reason === "connection_failed" || event.reason === "connection_lost")
      deps.say(errorText("connection_failed"));
    lost(event.reason || "unknown");
  } else if (event.type === "warning" && event.code === "network") {
    if (ours) deps.say(t("warning.network")); // call quality, not a lost connection
  } else if (event.type === "warning" && event.code === "incoming_rejected") {
    // A leg that is not this page's call was refused: nothing the person did or needs to act on.
  } else {
    deps.say(errorText(event.code));
    if (event.type === "error" && event.code === "connection_failed" && ours) lost("connection_failed");
  }
}

function enableKeypad(on) {
  for (const button of $("keypad").querySelectorAll("button")) button.disabled = !on;
  $("keypad").hidden = !on;
}

export function setupCall(api, engineFactory, say, ended) {
  deps = { api, say, ended };
  deps.engine = engineFactory(onEngine);
  $("keypad").append(
    ...KEYS.map((key) => {
      const button = make("button", { type: "button", textContent: key });
      button.dataset.testid = `dtmf-${key === "*" ? "star" : key === "#" ? "hash" : key}`;
      button.addEventListener("click", () => {
        if (!deps.engine.sendDigits(key)) {
          enableKeypad(false); // this engine cannot send tones
          say(t("keypadUnavailable"), "info");
        }
      });
      return button;
    }),
  );
  $("mute-button").addEventListener("click", () => {
    live.muted = !live.muted;
    deps.engine.setMuted(live.muted);
    $("mute-button").setAttribute("aria-pressed", String(live.muted)); // the label stays "Mute"
  });
  $("hangup-button").addEventListener("click", hangUpPressed);
  show("idle");
  $("in-call").hidden = true;
  return deps.engine;
}

export const inCall = () => LIVE.has(live.state) || live.state === "placing" || live.state === "cancelling";

/** Hangs up the live call, if any (e.g. before signing out). */
export const hangUp = () => hangUpPressed();
