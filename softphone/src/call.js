// One call at a time: initiate, hand the offer to the engine, follow the server's status (polling) and the
// engine's events, a timer from the answer, mute, keypad, hang up. Whatever ends it, it ends cleanly.
import { clock } from "./history.js";
import { errorText, reasonText, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const FINAL = new Set(["completed", "failed", "busy", "no-answer", "canceled"]);
const SERVER_CHECKS = 3; // after the engine saw a call end, before the page terminates it itself
const SERVER_CHECK_MS = 700;
const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];
const live = {
  call: null, status: "idle", answeredAt: 0, poll: 0, tick: 0, muted: false, hangUpAsked: false,
  terminating: "", // why the page is ending the call itself: what it tells, whatever a poll answers meanwhile
};
let deps = null; // {api, engine, say, ended}

function show(status, reason) {
  live.status = status;
  $("call-status").textContent = status === "ended" ? t("status.ended", { reason: reasonText(reason) }) : t(`status.${status}`);
  $("call-status").dataset.state = status;
}

export function relabel() {
  const el = $("call-status");
  if (live.status !== "ended") show(live.status);
  else el.textContent = t("status.ended", { reason: reasonText(el.dataset.reason) });
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

function apply(call) {
  if (!live.call || call.call_id !== live.call.call_id) return;
  if (FINAL.has(call.status)) {
    // After the page's own terminate the server says "you hung up": the page knows why it ended the call.
    const ours = call.end_reason === "caller_hung_up" && live.terminating;
    return finish(ours || call.end_reason || call.status.replace("-", "_"));
  }
  if (live.terminating) return; // ending: no going back to "talking"
  if (call.status === "active") {
    show("active");
    startTimer(call.answer_time);
  } else if (call.status === "ringing" && live.status !== "active") show("ringing");
}

async function poll() {
  if (!live.call) return;
  try {
    apply(await deps.api("GET", `/api/calls/${live.call.call_id}`));
  } catch (error) {
    if (error.type === "network") deps.say(errorText("network"));
  }
}

function finish(reason) {
  if (!live.call) return;
  clearInterval(live.poll);
  clearInterval(live.tick);
  deps.engine.disconnect();
  live.call = null;
  if ($("message").textContent === t("keypadUnavailable")) deps.say(""); // a notice about this call only
  show("ended", reason);
  $("call-status").dataset.reason = reason;
  $("in-call").hidden = true;
  $("call-button").hidden = false;
  deps.ended();
  $("call-button").focus();
}

/** Ends the call on the server if it is still live, then locally; `reason` is what the person is told. */
async function end(reason) {
  const call = live.call;
  if (!call) {
    // Hang up pressed while the call is still being placed: it ends as soon as it exists.
    if (live.status === "connecting") live.hangUpAsked = true;
    return;
  }
  if (reason !== "caller_hung_up") {
    // The engine saw the call end. The provider's report of why (e.g. the callee hung up) usually reaches the
    // server within a second: wait for it briefly, and terminate only if the server still thinks it is live.
    for (let check = 0; check < SERVER_CHECKS; check++) {
      if (check) await new Promise((done) => setTimeout(done, SERVER_CHECK_MS));
      if (live.call !== call) return; // the poll saw it end meanwhile
      const known = await deps.api("GET", `/api/calls/${call.call_id}`).catch(() => null);
      if (known && FINAL.has(known.status)) return finish(known.end_reason || reason);
    }
  }
  live.terminating = reason;
  try {
    // A lost media connection is said so: history then shows why, not "you hung up".
    const why = reason === "connection_lost" ? { reason } : {};
    await deps.api("POST", "/api/calls/terminate", { call_id: call.call_id, ...why });
  } catch (error) {
    if (error.type !== "call_already_ended") deps.say(errorText(error.type));
    const known = await deps.api("GET", `/api/calls/${call.call_id}`).catch(() => null);
    if (known?.end_reason && reason === "caller_hung_up") reason = known.end_reason;
  }
  finish(reason);
}

export async function placeCall(e164) {
  if (live.call) return;
  deps.say("");
  Object.assign(live, { answeredAt: 0, muted: false, hangUpAsked: false, terminating: "" });
  deps.engine.setMuted(false); // a call starts unmuted, whatever the last one was
  $("mute-button").setAttribute("aria-pressed", "false");
  $("call-timer").hidden = true;
  $("call-timer").textContent = "0:00";
  enableKeypad(true);
  show("connecting");
  $("call-button").hidden = true;
  $("in-call").hidden = false;
  $("hangup-button").focus();
  try {
    live.call = await deps.api("POST", "/api/calls/initiate", { phone_number: e164 });
  } catch (error) {
    // Refused before any call existed (a limit, a number not allowed, the service down): say why, no "ended".
    deps.say(errorText(error.type, error.retryAfter));
    $("in-call").hidden = true;
    $("call-button").hidden = false;
    show("idle");
    $("call-button").focus();
    return;
  }
  if (live.hangUpAsked) return end("caller_hung_up");
  live.poll = setInterval(poll, 1000);
  try {
    await deps.engine.connect(live.call);
    await poll();
  } catch (error) {
    deps.say(errorText(error.type || "connection_failed"));
    await end("connection_failed");
  }
}

function onEngine(event) {
  if (event.type === "ringing" && live.call && live.status === "connecting") show("ringing");
  else if (event.type === "talking" && live.call) {
    show("active");
    startTimer(null);
  } else if (event.type === "ended" && live.call) {
    if (event.reason === "connection_failed" || event.reason === "connection_lost") deps.say(errorText("connection_failed"));
    end(event.reason || "unknown");
  } else if (event.type === "warning" && event.code === "network" && live.call) {
    deps.say(t("warning.network")); // call quality, not a lost connection
  } else if (event.type === "warning" && event.code === "incoming_rejected") {
    // A leg that is not this page's call was refused: nothing the person did or needs to act on.
  } else if (event.type === "error" || event.type === "warning") {
    deps.say(errorText(event.code));
    if (event.type === "error" && live.call && event.code === "connection_failed") end("connection_failed");
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
      const button = Object.assign(document.createElement("button"), { type: "button", textContent: key });
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
  $("hangup-button").addEventListener("click", () => end("caller_hung_up"));
  show("idle");
  $("in-call").hidden = true;
  return deps.engine;
}

export const inCall = () => Boolean(live.call);

/** Hangs up the live call, if any (e.g. before signing out). */
export const hangUp = () => end("caller_hung_up");
