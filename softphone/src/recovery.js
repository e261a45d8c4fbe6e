// A forgotten password (the forgot form, then the emailed #reset= link's new-password form) and the emailed
// #verify= link. The answer to "send me a link" is the same sentence whatever the address: the API tells no
// one whether an account exists.
import { auth } from "./api.js";
import { markInvalid } from "./validity.js";
import { $ } from "./dom.js";
import { errorText, lang, t } from "./i18n.js";
import * as session from "./session.js";

const EMAIL_KEY = "softphone.resetEmail"; // the address a link was asked for here: to sign in after the reset
let ctx = null; // {say, failed, show, enterApp, signedIn, refreshAccount}
let resetToken = "";

function invalid(input, bad) {
  markInvalid(input, bad);
  return bad;
}

export function openForgot() {
  ctx.show("forgot");
  ctx.say("");
  $("forgot-email").value ||= $("signin-email").value.trim();
  $("forgot-email").focus();
}

async function onForgot(event) {
  event.preventDefault();
  const input = $("forgot-email");
  const email = input.value.trim();
  if (invalid(input, !email || !input.checkValidity())) return ctx.say(errorText("validation_error"));
  try {
    await auth.requestReset(email, lang());
    localStorage.setItem(EMAIL_KEY, email);
    ctx.say(t("forgot.sent", { email }), "ok");
  } catch (error) {
    ctx.failed(error);
  }
}

function openReset(link) {
  resetToken = link.token;
  ctx.show("reset");
  ctx.say("");
  $("reset-email").value = localStorage.getItem(EMAIL_KEY) || "";
  $("reset-password").value = "";
  showExpired(!link.wellFormed);
}

function showExpired(yes) {
  $("reset-form").hidden = yes;
  $("reset-expired").hidden = !yes;
  $(yes ? "reset-again" : "reset-password").focus();
}

async function onReset(event) {
  event.preventDefault();
  const input = $("reset-password");
  const password = input.value;
  if (invalid(input, password.length < 8))
    return ctx.say(`${errorText("validation_error")} ${t("signup.passwordHint")}`);
  try {
    await auth.confirmReset(resetToken, password);
  } catch (error) {
    if (error.type !== "invalid_token") return ctx.failed(error);
    ctx.say("");
    return showExpired(true);
  }
  resetToken = "";
  input.value = "";
  localStorage.removeItem(EMAIL_KEY);
  const email = $("reset-email").value.trim();
  if (session.current()) await session.signOut(); // a reset ends every session of the account
  if (email) {
    try {
      await session.signIn(email, password, { language: lang() });
      await ctx.enterApp();
      return ctx.say(t("reset.done"), "ok");
    } catch {
      // another address, or a sign-in code asked for: the person signs in by hand
    }
  }
  ctx.show("signin");
  $("signin-email").value = email;
  ctx.say(t("reset.signIn"), "ok");
  $(email ? "signin-password" : "signin-email").focus();
}

async function verify(link) {
  const signedIn = ctx.signedIn();
  const expired = () => ctx.say(t(signedIn ? "verify.expired" : "verify.expiredSignIn"));
  if (!link.wellFormed) return expired(); // no other spelling can be good: not worth a request
  try {
    await auth.verifyEmail(link.token);
    ctx.say(t(signedIn ? "verify.done" : "verify.doneSignIn"), "ok");
    if (signedIn) await ctx.refreshAccount();
  } catch (error) {
    if (error.type === "invalid_token") expired();
    else ctx.failed(error);
  }
}

/** Follows a link the page was opened with (or that changed its fragment): see links.js. */
export function follow(link) {
  if (link.kind === "forgot") return openForgot();
  if (link.kind === "reset") return openReset(link);
  return verify(link);
}

export function setupRecovery(context) {
  ctx = context;
  $("show-forgot").addEventListener("click", openForgot);
  $("forgot-form").addEventListener("submit", onForgot);
  $("reset-form").addEventListener("submit", onReset);
  $("reset-again").addEventListener("click", openForgot);
  for (const id of ["forgot-back", "reset-back"]) {
    $(id).addEventListener("click", () => {
      ctx.say("");
      if (ctx.signedIn()) return ctx.enterApp(); // a link opened while signed in: back to the calls
      ctx.show("signin");
      $("signin-email").focus();
    });
  }
}
