// The softphone: account, dialling with the browser's own RTCPeerConnection, hang-up, and paged history.
"use strict";
import { createEngine } from "./engines/twilio.js";

const $ = (id) => document.getElementById(id);
const state = { token: null, call: null, pc: null, cursors: [null], page: 0, poll: null, engine: null };
const config = fetch("config.json").then((r) => r.json()).catch(() => ({ voipProvider: "mock" }));
const TEXTS = {
  remote_hung_up: "The other side hung up.",
  connection_failed: "The connection failed; the call was ended.",
  mic_missing: "No microphone was found.",
  mic_denied: "The browser was not allowed to use the microphone.",
  network: "The network is unstable.",
  token_expired: "Your voice session expired; sign in again.",
  sdk_failed: "The calling component did not start.",
  incoming_rejected: "A call that was not yours was refused.",
  unknown: "Something went wrong with the call.",
};

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (method === "POST" && path === "/api/calls/initiate") headers["Idempotency-Key"] = crypto.randomUUID();
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw { status: response.status, type: data.error, message: data.message || `${response.status}` };
  return data;
}

function say(text) { $("message").textContent = text || ""; }
function showState(status) { $("state").textContent = status; }

function credentials() { return { email: $("email").value, password: $("password").value }; }

async function register() {
  try { await api("POST", "/api/auth/register", credentials()); say("registered: now log in"); }
  catch (error) { say(error.message); }
}

async function login(event) {
  event.preventDefault();
  try {
    const { access_token } = await api("POST", "/api/auth/login", credentials());
    state.token = access_token;
    $("who").textContent = $("email").value;
    $("call").disabled = false;
    $("signout").hidden = false;
    say("");
    if ((await config).voipProvider === "twilio") {
      state.engine = createEngine({ api, emit: onEngineEvent });
      state.engine.start(); // registers in the background; failures arrive as events
    }
    await loadHistory(0);
  } catch (error) { say(error.message); }
}

async function localAudio(pc) {
  // A microphone if the browser grants one; otherwise the call is set up receive-only.
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    stream.getTracks().forEach((track) => pc.addTrack(track, stream));
  } catch (error) { say(`no microphone (${error.name}): receive only`); }
}

async function dial(event) {
  event.preventDefault();
  $("call").disabled = true;
  try {
    const call = await api("POST", "/api/calls/initiate", { phone_number: $("phone").value });
    state.call = call;
    showState(call.status);
    if (state.engine) return twilioCall(call);
    const pc = new RTCPeerConnection();
    state.pc = pc;
    await pc.setRemoteDescription({ type: "offer", sdp: call.sdp_offer });
    await localAudio(pc);
    await pc.setLocalDescription(await pc.createAnswer());
    const answered = await api("POST", "/api/calls/answer", { call_id: call.call_id, sdp_answer: pc.localDescription.sdp });
    showState(answered.status);
    $("hangup").disabled = false;
    state.poll = setInterval(refreshCall, 2000);
  } catch (error) {
    say(error.message);
    $("call").disabled = false;
  }
}

function twilioCall(call) {
  state.engine.connect(call);
  $("hangup").disabled = false;
  $("mute").disabled = false;
  state.poll = setInterval(refreshCall, 2000);
}

function onEngineEvent(event) {
  if (event.type === "error" || event.type === "warning") say(TEXTS[event.code] || event.code);
  if (event.type === "ended") {
    say(TEXTS[event.reason] || event.reason);
    if (state.call) hangUp({ engineEnded: true });
  }
}

function toggleMute() {
  const pressed = $("mute").getAttribute("aria-pressed") !== "true";
  $("mute").setAttribute("aria-pressed", String(pressed));
  state.engine?.setMuted(pressed);
}

function keypad() {
  for (const [key, name] of [..."123456789"].map((d) => [d, d]).concat([["*", "star"], ["0", "0"], ["#", "hash"]])) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = key;
    button.dataset.testid = `dtmf-${name}`;
    button.addEventListener("click", () => state.engine?.sendDigits(key));
    $("keypad").append(button);
  }
}

async function refreshCall() {
  if (!state.call) return;
  try {
    const call = await api("GET", `/api/calls/${state.call.call_id}`);
    showState(call.status);
    if (call.end_time) finish();
  } catch (error) { say(error.message); }
}

async function hangUp({ engineEnded = false } = {}) {
  if (!state.call) return;
  if (!engineEnded) state.engine?.disconnect();
  try {
    const ended = await api("POST", "/api/calls/terminate", { call_id: state.call.call_id });
    showState(ended.status);
    $("timer").textContent = `${ended.duration} s`;
  } catch (error) { if (!engineEnded) say(error.message); }
  finish();
}

function finish() {
  clearInterval(state.poll);
  state.engine?.disconnect();
  if (state.pc) state.pc.close();
  state.pc = null;
  state.call = null;
  $("hangup").disabled = true;
  $("mute").disabled = true;
  $("mute").setAttribute("aria-pressed", "false");
  state.engine?.setMuted(false);
  $("call").disabled = false;
  loadHistory(0);
}

async function loadHistory(page) {
  if (page === 0) state.cursors = [null];
  const cursor = state.cursors[page];
  const query = new URLSearchParams({ limit: "5" });
  if (cursor) query.set("cursor", cursor);
  const data = await api("GET", `/api/calls/history?${query}`);
  state.page = page;
  state.cursors[page + 1] = data.next_cursor;
  $("history-rows").replaceChildren(...data.calls.map(historyRow));
  $("newer").disabled = page === 0;
  $("older").disabled = !data.next_cursor;
}

function historyRow(call) {
  const row = document.createElement("tr");
  const cells = [call.phone_number, call.status, new Date(call.start_time).toLocaleString(),
    call.duration === null ? "" : `${call.duration} s`, call.end_reason || ""];
  for (const text of cells) {
    const cell = document.createElement("td");
    cell.textContent = text;  // never innerHTML: the values come from the server
    row.append(cell);
  }
  return row;
}

$("register").addEventListener("click", register);
$("auth-form").addEventListener("submit", login);
$("dial-form").addEventListener("submit", dial);
$("hangup").addEventListener("click", () => hangUp());
$("mute").addEventListener("click", toggleMute);
$("signout").addEventListener("click", () => {
  state.engine?.stop();
  state.engine = null;
  state.token = null;
  $("signout").hidden = true;
  $("call").disabled = true;
});
keypad();
$("newer").addEventListener("click", () => loadHistory(state.page - 1));
$("older").addEventListener("click", () => loadHistory(state.page + 1));
