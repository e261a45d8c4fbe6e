// The softphone page: sign-up and sign-in views, then the dialler, the call and the history. Settings come
// from /config.json (API origin, VoIP mode); the engine (browser WebRTC or Twilio's SDK) follows the mode.
import { hangUp, inCall, placeCall, relabel as relabelCall, setupCall } from "./call.js";
import { relabel as relabelDialer, setNumber, setupDialer, validNumber } from "./dialer.js";
import { client } from "./api.js";
import { $ } from "./dom.js";
import { createEngine as browserEngine } from "./engines/browser.js";
import { checked } from "./engines/engine.js";
import { createEngine as twilioEngine } from "./engines/twilio.js";
import { currentPage, fillFilter, loadHistory, setupHistory } from "./history.js";
import { errorText, lang, setLang, t, translate } from "./i18n.js";
import { openCheck, setupMicCheck, wasChecked } from "./miccheck.js";
import { registerShell, setupOffline } from "./pwa.js";
import * as session from "./session.js";

let engine = null;
let pendingCall = null;

/** One line for the person: an error (red) unless `kind` is "ok" (done, signed out...). */
const say = (text, kind = "error") => {
  $("message").textContent = text || "";
  $("message").dataset.kind = kind;
};
const failed = (error) => say(errorText(error.type, error.retryAfter));

function showView(name) {
  $("signin-view").hidden = name !== "signin";
  $("signup-view").hidden = name !== "signup";
  $("app-view").hidden = name !== "app";
  const signedIn = name === "app";
  $("signout").hidden = !signedIn;
  $("who").hidden = !signedIn;
  $("who").textContent = signedIn ? session.current()?.email || "" : ""; // personal data only once signed in
  if (!signedIn) $("history").replaceChildren();
}

async function enterApp() {
  showView("app");
  engine.start().catch(() => {});
  await loadHistory(0).catch(failed);
}

async function onSignIn(event) {
  event.preventDefault();
  const email = $("signin-email").value.trim();
  const password = $("signin-password").value;
  if (!email || !password) return say(errorText("invalid_credentials"));
  try {
    await session.signIn(email, password);
    $("signin-password").value = "";
    say("");
    await enterApp();
    $("country").focus();
  } catch (error) {
    failed(error);
  }
}

async function onSignUp(event) {
  event.preventDefault();
  const email = $("signup-email");
  const password = $("signup-password");
  if (!email.checkValidity() || !email.value || !password.checkValidity() || !password.value) {
    email.setAttribute("aria-invalid", String(!email.checkValidity() || !email.value));
    password.setAttribute("aria-invalid", String(!password.checkValidity() || !password.value));
    return say(`${errorText("validation_error")} ${t("signup.passwordHint")}`);
  }
  try {
    await session.signUp(email.value.trim(), password.value);
    $("signin-email").value = email.value.trim();
    password.value = "";
    showView("signin");
    say(t("signup.done"), "ok");
    $("signin-password").focus();
  } catch (error) {
    failed(error);
  }
}

async function onSignOut() {
  await hangUp(); // a live call ends on the server too, not only in this browser
  engine.stop();
  await session.signOut();
  showView("signin");
  say(t("signedOut"), "ok");
}

function onExpired() {
  if (!inCall()) engine.stop();
  showView("signin");
  say(t("sessionExpired"));
}

function dial(event) {
  event?.preventDefault();
  const number = validNumber();
  if (!number || inCall()) return;
  if (!engine.supported()) return say(t("unsupported")); // before the mic check: nothing to check it for
  if (!wasChecked()) {
    pendingCall = number.number; // the first call waits for the microphone check
    return openCheck();
  }
  placeCall(number.number);
}

function switchLanguage(code) {
  setLang(code);
  $("language").value = lang();
  translate();
  fillFilter();
  relabelDialer();
  relabelCall();
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
  const ended = () => loadHistory(0).catch(failed);
  const realMedia = Boolean(config.realMedia);
  engine = setupCall(api, (emit) => checked(create({ api, emit, realMedia })), say, ended);
  setupDialer((number) => ($("call-button").disabled = !number));
  setupHistory(
    api,
    (e164) => {
      setNumber(e164);
      $("national-number").focus();
    },
    failed,
  );
  setupMicCheck((devices) => {
    engine.setDevices(devices);
    // The check helps; it is no gate: closing it (Done or Esc) places the call that opened it.
    if (pendingCall) placeCall(pendingCall);
    pendingCall = null;
  });

  $("signin-form").addEventListener("submit", onSignIn);
  $("signup-form").addEventListener("submit", onSignUp);
  const switchTo = (view, field) => () => {
    showView(view);
    say("");
    $(field).focus();
  };
  $("show-signup").addEventListener("click", switchTo("signup", "signup-email"));
  $("show-signin").addEventListener("click", switchTo("signin", "signin-email"));
  $("signout").addEventListener("click", onSignOut);
  $("language").addEventListener("change", () => switchLanguage($("language").value));
  $("dial-form").addEventListener("submit", dial);
  $("mic-check").addEventListener("click", () => openCheck());

  if (session.resume()) await enterApp();
  else showView("signin");
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
