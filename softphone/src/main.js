// The softphone page: sign-up and sign-in views, then the dialler, the call and the history. Settings come
// from /config.json (API origin, VoIP mode); the engine (browser WebRTC or Twilio's SDK) follows the mode.
import { forgetAccount, labelWho, refreshAccount, relabel as relabelAccount, setupAccount } from "./account.js";
import { findLive, hangUp, inCall, placeCall, relabel as relabelCall, setupCall } from "./call.js";
import { relabel as relabelDialer, setNumber, setupDialer, validNumber } from "./dialer.js";
import { client } from "./api.js";
import { relabelPad, setupDialPad } from "./dialpad.js";
import { $ } from "./dom.js";
import { createEngine as browserEngine } from "./engines/browser.js";
import { checked } from "./engines/engine.js";
import { createEngine as twilioEngine } from "./engines/twilio.js";
import { currentPage, fillFilter, loadHistory, setupHistory } from "./history.js";
import { errorText, lang, setLang, t, translate } from "./i18n.js";
import { takeLink } from "./links.js";
import { openCheck, setupMicCheck, wasChecked } from "./miccheck.js";
import { follow, setupRecovery } from "./recovery.js";
import { setupReveal } from "./reveal.js";
import { registerShell, setupOffline } from "./pwa.js";
import * as session from "./session.js";
import { clearWhenFixed, markInvalid } from "./validity.js";
import { loadContacts, relabel as relabelContacts, setupContacts } from "./contacts.js";

let engine = null;
let pendingCall = null;
let hideSecrets = () => {};
const VIEWS = ["signin", "signup", "forgot", "reset", "app", "account"];

/** One line for the person: an error (red) unless `kind` is "ok" (done, signed out...). */
const say = (text, kind = "error") => {
  $("message").textContent = text || "";
  $("message").dataset.kind = kind;
};
const failed = (error) => say(errorText(error.type, error.retryAfter));

function showView(name) {
  for (const view of VIEWS) $(`${view}-view`).hidden = name !== view;
  const signedIn = name === "app" || name === "account";
  $("signout").hidden = !signedIn;
  $("who").hidden = !signedIn;
  $("who").textContent = signedIn ? session.current()?.email || "" : ""; // personal data only once signed in
  labelWho();
  hideSecrets();
  if (!signedIn) {
    for (const list of ["history", "contacts"]) $(list).replaceChildren();
    forgetAccount();
  }
}

async function start(link) {
  if (session.resume()) await enterApp();
  else showView("signin");
  if (link) await follow(link);
}

async function enterApp() {
  showView("app");
  engine.start().catch(() => {});
  findLive(); // a call from before a reload, or another tab's, is shown with Hang up
  refreshAccount(); // not awaited: the focus the caller moves next must not wait for it (nor land late)
  await Promise.all([loadHistory(0).catch(failed), loadContacts().catch(failed)]);
}

async function onSignIn(event) {
  event.preventDefault();
  const email = $("signin-email").value.trim();
  const password = $("signin-password").value;
  if (!email || !password) return say(errorText("invalid_credentials"));
  const loginCode = $("signin-code-row").hidden ? "" : $("signin-code").value.trim();
  try {
    await session.signIn(email, password, { loginCode, language: lang() });
    $("signin-password").value = "";
    $("signin-code").value = "";
    $("signin-code-row").hidden = true;
    say("");
    await enterApp();
    $("country").focus();
  } catch (error) {
    failed(error);
    if (error.type !== "login_code_required") return;
    $("signin-code-row").hidden = false; // the code was emailed: the same form, with it, signs in
    $("signin-code").focus();
  }
}

async function onSignUp(event) {
  event.preventDefault();
  const email = $("signup-email");
  const password = $("signup-password");
  if (!email.checkValidity() || !email.value || !password.checkValidity() || !password.value) {
    markInvalid(email, !email.checkValidity() || !email.value);
    markInvalid(password, !password.checkValidity() || !password.value);
    return say(`${errorText("validation_error")} ${t("signup.passwordHint")}`);
  }
  try {
    await session.signUp(email.value.trim(), password.value, lang());
    $("signin-email").value = email.value.trim();
    password.value = "";
    showView("signin");
    say(t("signup.done"), "ok");
    $("signin-password").focus();
  } catch (error) {
    failed(error);
  }
}

async function onSignOut(sentence = t("signedOut")) {
  await hangUp(); // a live call ends on the server too, not only in this browser
  engine.stop();
  await session.signOut();
  showView("signin");
  say(sentence, "ok");
}

function onExpired() {
  if (!inCall()) engine.stop();
  showView("signin");
  say(t("sessionExpired"));
}

function dial(event, name = "") {
  event?.preventDefault?.();
  const number = validNumber();
  if (!number || inCall()) return;
  if (!engine.supported()) return say(t("unsupported")); // before the mic check: nothing to check it for
  if (!wasChecked()) {
    pendingCall = { e164: number.number, name }; // the first call waits for the microphone check
    return openCheck();
  }
  placeCall(number.number, name);
}

/** `softphone:dial` {number (E.164), name?}: any part of the page (contacts, history) places a call at once. */
function dialEvent(event) {
  const { number, name } = event.detail || {};
  if (typeof number !== "string" || inCall() || $("app-view").hidden) return;
  setNumber(number);
  if (!validNumber()) return say(t("numberInvalid", { country: $("country").value }));
  dial(null, typeof name === "string" ? name.trim() : "");
}

function switchLanguage(code) {
  setLang(code);
  $("language").value = lang();
  translate();
  fillFilter();
  relabelDialer();
  relabelCall();
  relabelPad();
  relabelAccount();
  relabelContacts();
  if (!$("app-view").hidden) loadHistory(currentPage()).catch(failed);
  say("");
}

async function loadConfig() {
  try {
    const response = await fetch("config.json");
    return response.ok ? await response.json() : {};
  } catch {
    return {};
  }
}

async function main() {
  setLang(lang());
  $("language").value = lang();
  setupOffline();
  translate();
  const config = await loadConfig();
  session.configure({ apiBaseUrl: config.apiBaseUrl, expired: onExpired });
  const create = config.voipProvider === "twilio" ? twilioEngine : browserEngine;
  const api = client(session.request);
  const ended = () => Promise.all([loadHistory(0).catch(failed), refreshAccount()]);
  const realMedia = Boolean(config.realMedia);
  const factory = (emit) => checked(create({ api, emit, realMedia }));
  engine = setupCall(api, factory, say, ended, () => openCheck());
  setupDialer((number) => ($("call-button").disabled = !number));
  setupDialPad();
  setupHistory(api, failed);
  setupContacts(api, say, ended);
  clearWhenFixed();
  setupMicCheck((devices) => {
    engine.setDevices(devices);
    // The check helps; it is no gate: closing it (Done or Esc) places the call that opened it.
    if (pendingCall) placeCall(pendingCall.e164, pendingCall.name);
    pendingCall = null;
  });

  hideSecrets = setupReveal();
  setupAccount({ api, show: showView, signOut: onSignOut, inCall, hideSecrets });
  const signedIn = () => Boolean(session.current());
  setupRecovery({ say, failed, show: showView, enterApp, signedIn, refreshAccount });
  $("signin-form").addEventListener("submit", onSignIn);
  $("signup-form").addEventListener("submit", onSignUp);
  const switchTo = (view, field) => () => {
    showView(view);
    say("");
    $(field).focus();
  };
  $("show-signup").addEventListener("click", switchTo("signup", "signup-email"));
  $("show-signin").addEventListener("click", switchTo("signin", "signin-email"));
  $("signout").addEventListener("click", () => onSignOut());
  $("language").addEventListener("change", () => switchLanguage($("language").value));
  $("dial-form").addEventListener("submit", dial);
  document.addEventListener("softphone:dial", dialEvent);
  $("mic-check").addEventListener("click", () => openCheck());

  const link = takeLink(); // an emailed link (#verify=, #reset=, #forgot), out of the address bar at once
  const started = start(link);
  addEventListener("hashchange", () => {
    const next = takeLink(); // a link opened in this tab while the page was open, or still starting
    if (next) started.catch(() => {}).then(() => follow(next));
  });
  await started;
  document.body.dataset.ready = String(Math.round(performance.now())); // ms from navigation: measured by tests
  registerShell();
}

// Whatever fails while starting (an odd browser setting), the page shows sign-in and says so: never blank.
main().catch((error) => {
  console.error(error);
  showView(session.current() ? "app" : "signin");
  say(errorText("unknown"));
  document.body.dataset.ready ||= String(Math.round(performance.now()));
});
