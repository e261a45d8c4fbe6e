// Twilio mode: the API places each call to this browser first (`client:<identity>`, custom parameter
// `call_id`); the page registers a Voice SDK Device, accepts only the leg of the call it just placed, and Twilio
// dials the phone once that leg is up. The SDK is served by the platform (vendor/twilio.min.js) and loaded
// only in this mode; its sounds are ours too (sounds/*.wav), so nothing is fetched from Twilio's CDN.
// The interface it implements is written down in engine.js.
import { hasWebRtc } from "./engine.js";

const SDK_PATH = "vendor/twilio.min.js";
const SOUNDS = [
  "incoming",
  "outgoing",
  "disconnect",
  "dtmfs",
  "dtmfh",
  ...Array.from({ length: 10 }, (_, digit) => `dtmf${digit}`),
];
const UNCLAIMED_LEG_MS = 30000; // a leg that arrives before its initiate answer waits this long for it

// Twilio error codes (the SDK's TwilioError.code) → the page contract's codes.
const ERROR_CODES = new Map([
  [31401, "mic_denied"],
  [31208, "mic_denied"],
  [31402, "mic_missing"],
  [20104, "token_expired"],
  [31205, "token_expired"],
  [31000, "network"],
  [31003, "connection_failed"],
  [31005, "network"],
  [31009, "network"],
  [53000, "network"],
  [53001, "network"],
  [53405, "connection_failed"],
  [53407, "connection_failed"],
]);
const CALL_ENDING = new Set(["mic_denied", "mic_missing"]);

let sdk = null;

/** Loads the Voice SDK once, with a script tag (it is a UMD bundle that sets `window.Twilio`). */
export function loadSdk() {
  if (window.Twilio?.Device) return Promise.resolve(window.Twilio);
  sdk ||= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL(SDK_PATH, document.baseURI).href;
    script.onload = () => (window.Twilio?.Device ? resolve(window.Twilio) : reject(new Error("no Device")));
    script.onerror = () => {
      sdk = null;
      reject(new Error("the Voice SDK did not load"));
    };
    document.head.append(script);
  });
  return sdk;
}

export function errorCode(error) {
  return ERROR_CODES.get(error?.code) || "unknown";
}

function soundUrls() {
  return Object.fromEntries(SOUNDS.map((name) => [name, new URL(`sounds/${name}.wav`, document.baseURI).href]));
}

export function createEngine({ api, emit }) {
  let device = null;
  let expected = null; // call_id of the call this page placed and has not ended
  let active = null; // the SDK Call accepted for it
  let muted = false;
  let hangingUp = false;
  let failure = null;
  const unclaimed = new Map(); // SDK Call → timer, legs that came before connect() told us their call

  async function token() {
    const { voice_token: voiceToken } = await api.voiceToken();
    if (!voiceToken) throw { type: "voip_not_configured" };
    return voiceToken;
  }

  async function renewToken() {
    try {
      device?.updateToken(await token());
    } catch (error) {
      emit({ type: "warning", code: error?.type || "token_expired" });
    }
  }

  function reject(call) {
    clearTimeout(unclaimed.get(call));
    unclaimed.delete(call);
    call.reject();
    emit({ type: "warning", code: "incoming_rejected" });
  }

  function accept(call) {
    clearTimeout(unclaimed.get(call));
    unclaimed.delete(call);
    active = call;
    hangingUp = false;
    failure = null;
    // Media up on the browser leg means Twilio is dialling the phone: the caller now hears its ringback.
    // Whether the phone answered is the server's to say (the page polls the call).
    call.on("accept", () => {
      call.mute(muted);
      emit({ type: "ringing" });
    });
    call.on("error", (error) => {
      // An error on the call's way to ending is why it ended (e.g. a hang-up that carries a gateway error).
      const code = errorCode(error);
      failure = CALL_ENDING.has(code) ? code : "connection_failed";
      emit({ type: "error", code });
    });
    // Quality warnings (high-rtt, high-packet-loss, low-mos, ...) are the network's; a silent microphone is not.
    call.on("warning", (name) => name !== "constant-audio-input-level" && emit({ type: "warning", code: "network" }));
    call.on("reconnecting", () => emit({ type: "warning", code: "network" }));
    call.on("disconnect", () => ended(call));
    call.on("cancel", () => ended(call));
    call.accept();
  }

  function ended(call) {
    if (call !== active) return;
    active = null;
    expected = null;
    if (hangingUp) return;
    // The SDK emits a media or microphone error just after the call's `disconnect`: let it say why first.
    setTimeout(() => emit({ type: "ended", reason: failure || "remote_hung_up" }), 0);
  }

  function incoming(call) {
    const callId = call.customParameters?.get("call_id");
    if (!callId || active || (expected && callId !== expected)) return reject(call);
    if (callId === expected) return accept(call);
    unclaimed.set(
      call,
      setTimeout(() => reject(call), UNCLAIMED_LEG_MS),
    );
    call.on("cancel", () => {
      clearTimeout(unclaimed.get(call));
      unclaimed.delete(call);
    });
  }

  async function start() {
    try {
      const Twilio = await loadSdk();
      device = new Twilio.Device(await token(), {
        edge: "roaming", // Twilio picks the nearest edge; the CSP allows its public edges
        sounds: soundUrls(),
        allowIncomingWhileBusy: true, // so that a second leg is rejected, not left ringing
        closeProtection: false,
        codecPreferences: ["opus", "pcmu"],
        appName: "calls-platform-softphone",
      });
      device.audio?.incoming(false); // the caller placed this call: no ringtone for their own leg
      device.on("incoming", incoming);
      device.on("tokenWillExpire", renewToken);
      device.on("error", (error, call) => {
        const code = errorCode(error);
        if (code === "token_expired")
          renewToken(); // tells the page only if no new token comes
        else if (!call) emit({ type: "error", code }); // a call's own errors arrive on the call
      });
      await device.register();
    } catch (error) {
      // An API refusal names itself; no SDK is "sdk_failed"; a Device that could not register hit the network.
      const code = error?.type || (device ? ERROR_CODES.get(error?.code) || "network" : "sdk_failed");
      emit({ type: "error", code });
    }
  }

  function connect(call) {
    expected = call.call_id;
    for (const leg of [...unclaimed.keys()]) {
      if (leg.customParameters.get("call_id") === expected && !active) accept(leg);
      else reject(leg);
    }
  }

  function setMuted(value) {
    muted = Boolean(value);
    active?.mute(muted);
  }

  // Twilio's calls carry tones, so this is always true: the page keeps its keypad. A key pressed while the
  // leg is not open (not yet accepted, reconnecting) has nowhere to go and is dropped.
  function sendDigits(digits) {
    if (active?.status() === "open") active.sendDigits(digits);
    return true;
  }

  function disconnect() {
    hangingUp = true;
    expected = null;
    const call = active;
    active = null;
    call?.disconnect();
    for (const leg of [...unclaimed.keys()]) reject(leg);
  }

  function stop() {
    disconnect();
    device?.destroy();
    device = null;
  }

  async function setDevices({ input, output } = {}) {
    if (!device?.audio) return;
    if (input) await device.audio.setInputDevice(input);
    if (output) await device.audio.speakerDevices.set(output);
  }

  const supported = () => hasWebRtc() && Boolean(globalThis.navigator?.mediaDevices?.getUserMedia);

  return { supported, start, connect, setMuted, sendDigits, disconnect, stop, setDevices };
}
