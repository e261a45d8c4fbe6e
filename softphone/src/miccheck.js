// The microphone and speaker check: permission state, a live input level, a locally generated test tone,
// and the choice of input and output devices where the browser offers it (setSinkId).
import { $, make } from "./dom.js";
import { t } from "./i18n.js";

const CHECKED = "softphone.micChecked";
let stream = null;
let audio = null;
let frame = 0;
let onDevices = () => {};

export const wasChecked = () => localStorage.getItem(CHECKED) === "1";

async function permissionState() {
  try {
    return (await navigator.permissions.query({ name: "microphone" })).state;
  } catch {
    return "unknown";
  }
}

async function showPermission() {
  // A live microphone is an allowed one: Firefox answers "prompt" for a grant it does not remember.
  const state = stream?.active ? "granted" : await permissionState();
  $("mic-permission").textContent = t("mic.permission", { state: t(`perm.${state}`) });
  if (state === "denied") $("mic-help").textContent = t("mic.deniedHelp");
}

async function listDevices() {
  const devices = await navigator.mediaDevices.enumerateDevices();
  fill(
    "mic-input",
    devices.filter((d) => d.kind === "audioinput"),
  );
  const outputs = [...devices.filter((d) => d.kind === "audiooutput"), ...chosen];
  const canSink = "setSinkId" in HTMLMediaElement.prototype;
  const canChoose = canSink && outputs.length > 0;
  // Firefox lists no speaker until one is chosen through its own picker (selectAudioOutput).
  const canAsk = canSink && !canChoose && typeof navigator.mediaDevices.selectAudioOutput === "function";
  fill("mic-output", canChoose ? outputs : []);
  $("mic-output").disabled = !canChoose;
  $("mic-output-choose").hidden = !canAsk;
  $("mic-output-note").hidden = canChoose || canAsk;
}

const chosen = []; // speakers the browser's own picker gave (Firefox)

async function chooseOutput() {
  try {
    const device = await navigator.mediaDevices.selectAudioOutput();
    if (!chosen.some((d) => d.deviceId === device.deviceId)) chosen.push(device);
    await listDevices();
    $("mic-output").value = device.deviceId;
    $("mic-output").dispatchEvent(new Event("change"));
  } catch {
    // dismissed, or no speaker to choose: the default one plays
  }
}

function fill(id, devices) {
  const select = $(id);
  const keep = select.value;
  const options = [make("option", { value: "", textContent: t("mic.default") })];
  devices.forEach((d, i) => {
    if (d.deviceId && d.deviceId !== "default") {
      options.push(
        make("option", {
          value: d.deviceId,
          textContent: d.label || `${t(id === "mic-input" ? "mic.input" : "mic.output")} ${i + 1}`,
        }),
      );
    }
  });
  select.replaceChildren(...options);
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}

async function start() {
  stopInput();
  $("mic-help").textContent = "";
  const deviceId = $("mic-input").value;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true });
  } catch (error) {
    $("mic-help").textContent = t(error.name === "NotAllowedError" ? "mic.deniedHelp" : "mic.missingHelp");
    await showPermission();
    return;
  }
  await showPermission();
  await listDevices();
  meter(stream);
  $("mic-status").textContent = t("mic.speak");
  localStorage.setItem(CHECKED, "1");
}

function meter(source) {
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  context.createMediaStreamSource(source).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let heard = false;
  const tick = () => {
    analyser.getFloatTimeDomainData(samples);
    const rms = Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
    $("mic-level").value = Math.min(1, rms * 4);
    if (!heard && rms > 0.01) {
      heard = true;
      $("mic-status").textContent = t("mic.ok");
    }
    frame = requestAnimationFrame(tick);
  };
  tick();
  stream.context = context;
}

/** A short two-tone chime made locally by an oscillator, played on the chosen output. */
async function testSound() {
  const context = new AudioContext();
  const out = context.createMediaStreamDestination();
  const gain = context.createGain();
  gain.gain.setValueAtTime(0.0001, context.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.3, context.currentTime + 0.05);
  gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 0.9);
  const osc = context.createOscillator();
  osc.frequency.setValueAtTime(660, context.currentTime);
  osc.frequency.setValueAtTime(880, context.currentTime + 0.3);
  osc.connect(gain).connect(out);
  audio ||= new Audio();
  audio.srcObject = out.stream;
  const sink = $("mic-output").value;
  if (audio.setSinkId) await audio.setSinkId(sink).catch(() => {});
  await audio.play().catch(() => {});
  osc.start();
  osc.stop(context.currentTime + 1);
  osc.onended = () => context.close();
}

function stopInput() {
  cancelAnimationFrame(frame);
  if (stream) {
    for (const track of stream.getTracks()) track.stop();
    stream.context?.close();
  }
  stream = null;
}

export async function openCheck() {
  $("mic-level").value = 0;
  $("mic-status").textContent = "";
  $("mic-help").textContent = "";
  $("mic-dialog").showModal();
  await showPermission();
  await listDevices().catch(() => {});
}

export function setupMicCheck(devicesChanged) {
  onDevices = devicesChanged;
  $("mic-start").addEventListener("click", start);
  $("mic-test").addEventListener("click", testSound);
  $("mic-output-choose").addEventListener("click", chooseOutput);
  $("mic-input").addEventListener("change", () => stream && start());
  $("mic-close").addEventListener("click", () => $("mic-dialog").close());
  $("mic-dialog").addEventListener("close", () => {
    stopInput();
    localStorage.setItem(CHECKED, "1"); // seen: the next call does not open it again
    onDevices({ input: $("mic-input").value || undefined, output: $("mic-output").value || undefined });
  });
}
