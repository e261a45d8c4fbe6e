// The call screen: who is called (a name if known, else the formatted number) and the country, the status
// and timer, a line for notices that never moves the controls, mute / keypad / speaker and Hang up. On a
// phone it takes the screen (callscreen.css); on a desktop it fills the dialler's card. The dial form cannot
// be edited meanwhile. call.js decides what the call does; this module only shows it.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { $, make } from "./dom.js";
import { lang, t } from "./i18n.js";
import { callKey } from "./keys.js";

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];
export const keyId = (key) => (key === "*" ? "star" : key === "#" ? "hash" : key);
const shown = { number: "", name: "", muted: false, note: "" };

/** Who is called: `name` big when known, else the number; the number and the country beneath. */
function paintCallee() {
  const number = parsePhoneNumberFromString(shown.number || "");
  const formatted = number?.formatInternational() || shown.number;
  const country = number?.country ? new Intl.DisplayNames([lang()], { type: "region" }).of(number.country) : "";
  $("callee-name").textContent = shown.name || formatted;
  $("callee-detail").textContent = shown.name ? [formatted, country].filter(Boolean).join(" · ") : country;
  $("save-contact").hidden = Boolean(shown.name) || !shown.number;
}

export function openScreen({ number, name = "" }) {
  Object.assign(shown, { number, name: name || "", note: "" });
  $("dialer").dataset.call = "on";
  $("dial-fields").disabled = true; // nothing to edit under a live call
  $("callee").hidden = false;
  $("in-call").hidden = false;
  detached(false);
  tonesWork(true);
  showMuted(false);
  note("");
  paintCallee();
}

export function closeScreen() {
  $("dialer").dataset.call = "off";
  $("dial-fields").disabled = false;
  $("callee").hidden = true;
  $("in-call").hidden = true;
  note("");
}

export function setName(name) {
  if (!name || shown.name) return;
  shown.name = name;
  paintCallee();
}

/** A notice about this call, in a line whose room is kept: it never pushes Hang up down. */
export function note(text, key = "") {
  shown.note = key;
  $("call-note").textContent = text || "";
}

export function showMuted(muted) {
  shown.muted = muted;
  $("mute-button").setAttribute("aria-pressed", String(muted));
  $("mute-label").textContent = t(muted ? "callscreen.unmute" : "mute");
}

/** The keys stay where they are; when the connection carries no tones they are disabled (and said so). */
export function tonesWork(on) {
  for (const button of $("keypad").querySelectorAll("button")) button.disabled = !on;
}

/** A call shown without its sound (another tab's, or one from before a reload): only Hang up acts on it. */
export function detached(why) {
  for (const id of ["mute-button", "keypad-button", "speaker-button"]) $(id).disabled = Boolean(why);
  $("keypad").hidden = Boolean(why) || $("keypad-button").getAttribute("aria-expanded") !== "true";
  if (why) note(t(why === "tab" ? "callscreen.detachedTab" : "callscreen.detachedReload"), why);
}

export function relabelScreen() {
  showMuted(shown.muted);
  if (shown.number) paintCallee();
  if (shown.note === "tab" || shown.note === "reload") detached(shown.note);
  else if (shown.note) note(t(shown.note), shown.note);
}

function flash(key) {
  const button = $(`keypad`).querySelector(`[data-testid="dtmf-${keyId(key)}"]`);
  button?.classList.add("pressed");
  setTimeout(() => button?.classList.remove("pressed"), 150);
}

/** `on`: {tone(key), hangUp(), mute(), speaker(), live()} from call.js. */
export function setupScreen(on) {
  $("keypad").append(
    ...KEYS.map((key) => {
      const button = make("button", { type: "button", textContent: key });
      button.dataset.testid = `dtmf-${keyId(key)}`;
      button.addEventListener("click", () => on.tone(key));
      return button;
    }),
  );
  $("keypad-button").addEventListener("click", () => {
    const open = $("keypad-button").getAttribute("aria-expanded") !== "true";
    $("keypad-button").setAttribute("aria-expanded", String(open));
    $("keypad").hidden = !open;
  });
  $("mute-button").addEventListener("click", on.mute);
  $("speaker-button").addEventListener("click", on.speaker);
  $("hangup-button").addEventListener("click", on.hangUp);
  $("save-contact").addEventListener("click", () => {
    document.dispatchEvent(new CustomEvent("softphone:add-contact", { detail: { number: shown.number } }));
  });
  document.addEventListener("keydown", (event) => {
    if (!on.live()) return;
    const action = callKey(event, Boolean(document.querySelector("dialog[open]")));
    if (!action) return;
    event.preventDefault();
    if (action.hangup) return on.hangUp();
    flash(action.tone);
    on.tone(action.tone);
  });
  closeScreen();
}
