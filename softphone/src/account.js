// The account: the banner asking to confirm the email (with "Send again"), the minutes left today beside the
// Call button, and the account view (its facts, change the password, download the history, delete it).
import { $, make } from "./dom.js";
import { markInvalid } from "./validity.js";
import { errorText, lang, t } from "./i18n.js";
import { pluralKey, wholeMinutes } from "./minutes.js";

let ctx = null; // {api, show, signOut, inCall, hideSecrets}
let account = null; // GET /api/account's answer, while signed in
let generation = 0; // one more at each sign-out: an answer asked for before it is dropped

/** A sentence in one of the account's own status lines: an error (red) unless `kind` is "ok". */
function note(id, text, kind = "error") {
  $(id).textContent = text || "";
  $(id).dataset.kind = kind;
}

const minutesText = (value) => {
  const count = wholeMinutes(value);
  return t(pluralKey("minutes", count, lang()), { count: count.toLocaleString(lang()) });
};

function paint() {
  const known = Boolean(account);
  $("verify-banner").hidden = !known || account.email_verified;
  $("minutes-left").textContent = known ? minutesText(account.minutes_left_today) : "";
  if (!known) return;
  $("verify-text").textContent = t("verify.banner", { email: account.email });
  $("account-email").textContent = account.email;
  $("account-verified").textContent = t(account.email_verified ? "account.yes" : "account.no");
  const created = new Date(account.created_at);
  const shown = Number.isFinite(created.getTime());
  $("account-created").replaceChildren(
    make("time", {
      dateTime: account.created_at,
      textContent: shown ? new Intl.DateTimeFormat(lang(), { dateStyle: "long" }).format(created) : "",
    }),
  );
  $("account-minutes").textContent = wholeMinutes(account.minutes_left_today).toLocaleString(lang());
}

/** Asks the API for the account again (after sign-in, a call, a confirmation). */
export async function refreshAccount() {
  const asked = generation;
  try {
    const answer = await ctx.api.account();
    // An answer that lands after a sign-out (or one without the account's fields) is not shown.
    if (asked === generation && typeof answer?.created_at === "string") account = answer;
  } catch {
    // the banner and the minutes are a help, not a gate: the rest of the page works without them
  }
  paint();
}

/** Signed out: nothing of the account stays on the page. */
export function forgetAccount() {
  generation += 1;
  account = null;
  paint();
  for (const id of ["verify-status", "password-status", "export-status", "delete-status"]) note(id, "");
}

export function relabel() {
  paint();
  labelWho();
}

/** The header's email opens the account view; its name stays the visible email (WCAG 2.5.3), the title says
 * where it leads. */
export function labelWho() {
  $("who").title = t("account.open");
}

/** The initiate call, watched: its refusal when today's minutes are spent shows 0 minutes left at once. */
function watchMinutes(api) {
  const initiate = api.initiate;
  api.initiate = async (...args) => {
    try {
      return await initiate(...args);
    } catch (error) {
      if (error.type === "daily_minutes_exceeded" && account) {
        account = { ...account, minutes_left_today: 0 };
        paint();
      }
      throw error;
    }
  };
}

async function onResend() {
  const button = $("verify-resend");
  button.disabled = true;
  try {
    const answer = await ctx.api.resendVerification(lang());
    if (answer.status === "already_verified") await refreshAccount();
    else note("verify-status", t("verify.sent", { email: account?.email || "" }), "ok");
  } catch (error) {
    note("verify-status", errorText(error.type, error.retryAfter));
  } finally {
    button.disabled = false;
  }
}

function openAccount() {
  ctx.show("account");
  for (const id of ["password-status", "export-status", "delete-status"]) note(id, "");
  $("account-title").focus();
  refreshAccount();
}

function mark(input, bad) {
  markInvalid(input, bad);
  return bad;
}

const wrongPassword = (error) =>
  error.type === "invalid_credentials" ? t("account.wrongPassword") : errorText(error.type, error.retryAfter);

async function onChangePassword(event) {
  event.preventDefault();
  const current = $("current-password");
  const next = $("new-password");
  const bad = [mark(current, !current.value), mark(next, next.value.length < 8)];
  if (bad.some(Boolean)) return note("password-status", `${errorText("validation_error")} ${t("signup.passwordHint")}`);
  try {
    await ctx.api.changePassword(current.value, next.value, lang());
  } catch (error) {
    if (error.type === "invalid_credentials") mark(current, true);
    return note("password-status", wrongPassword(error));
  }
  current.value = "";
  next.value = "";
  ctx.hideSecrets();
  note("password-status", t("account.changed"), "ok");
}

async function onExport() {
  try {
    const file = await ctx.api.exportCalls();
    const url = URL.createObjectURL(file);
    const link = make("a", { href: url, download: `calls-${new Date().toISOString().slice(0, 10)}.csv` });
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    note("export-status", t("account.downloaded"), "ok");
  } catch (error) {
    note("export-status", errorText(error.type, error.retryAfter));
  }
}

async function onDelete(event) {
  event.preventDefault();
  const input = $("delete-password");
  if (mark(input, !input.value)) return note("delete-status", errorText("validation_error"));
  if (ctx.inCall()) return note("delete-status", errorText("call_in_progress"));
  try {
    await ctx.api.deleteAccount(input.value);
  } catch (error) {
    if (error.type === "invalid_credentials") mark(input, true);
    return note("delete-status", wrongPassword(error));
  }
  input.value = "";
  await ctx.signOut(t("account.deleted"));
}

export function setupAccount(context) {
  ctx = context;
  watchMinutes(ctx.api);
  $("who").addEventListener("click", openAccount);
  $("account-back").addEventListener("click", () => {
    ctx.show("app");
    $("country").focus();
  });
  $("verify-resend").addEventListener("click", onResend);
  $("password-form").addEventListener("submit", onChangePassword);
  $("export-button").addEventListener("click", onExport);
  $("delete-form").addEventListener("submit", onDelete);
}
