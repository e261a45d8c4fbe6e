// The softphone's whole journey in Debian's firefox-esr (headless, WebDriver BiDi through puppeteer-core),
// once per language and width, all in one browser launch. tests/e2e/test_softphone_firefox.py runs it: the
// plan comes as JSON in JOURNEY, each finished step is a JSON line on stdout, and a line {"ask": ...} waits
// for pytest's answer on stdin (seeding the history in Postgres). Exit 0 when every journey passed.
import { mkdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

const plan = JSON.parse(process.env.JOURNEY);
const answers = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const tell = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const ask = async (question) => {
  tell({ ask: question });
  return (await answers.next()).value;
};
mkdirSync(plan.artifacts, { recursive: true });

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: plan.firefox,
  headless: true,
  extraPrefsFirefox: {
    "media.navigator.streams.fake": true, // a fake microphone (a tone)
    "media.navigator.permission.disabled": true, // and no prompt for it
    "media.peerconnection.ice.loopback": true, // the local media peer offers only 127.0.0.1,
    "media.peerconnection.ice.obfuscate_host_addresses": false, // and cannot resolve mDNS names
    "intl.accept_languages": "en-US",
  },
});

/** Fails with `what` unless `predicate(arg)` becomes true in the page within the timeout. */
async function until(page, what, predicate, arg = null, timeout = 10000) {
  try {
    await page.waitForFunction(predicate, { timeout, polling: 100 }, arg);
  } catch (error) {
    throw new Error(`${what}: ${error.message.split("\n")[0]}`);
  }
}

const TONE_HZ = 1000; // Firefox's fake microphone plays a 1 kHz tone
const LOUD_DB = -60; // the analyser's level (dBFS) of a tone that is there; silence reads below -100
const RINGBACK_HZ = 480; // the fake microphone's 1 kHz cannot fake it
const BEEP_HZ = 1400; // the media peer answers each RFC 4733 digit it hears with a beep (infra/media/tones.py)

// The level (dBFS) at `hz` of the page's remote audio every 50 ms for `ms`: the Chromium tests' listener.
const LISTEN = readFileSync(new URL("../../support/listen.js", import.meta.url), "utf8")
  .trim()
  .replace(/;$/, "");
const listen = async (page, hz, ms) =>
  (await page.evaluate(`(${LISTEN})(${JSON.stringify([hz, ms])})`)).map((level) => Math.round(level));

const byId = (page, id) => page.$(`[data-testid="${id}"]`);
const value = (page, selector) => page.$eval(selector, (el) => el.value);
const text = (page, selector) => page.$eval(selector, (el) => el.textContent);
const hasText = (page, what, selector, words) =>
  until(page, what, (a) => document.querySelector(a.selector)?.textContent.includes(a.words), { selector, words });
const count = (page, what, selector, n) =>
  until(page, what, (a) => document.querySelectorAll(a.selector).length === a.n, { selector, n });

async function fill(page, selector, typed) {
  await page.$eval(selector, (el) => {
    el.value = "";
  });
  await page.type(selector, typed);
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: `${plan.artifacts}/${name}.png`, fullPage });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > innerWidth);
  if (wide) throw new Error(`${name}: the page scrolls sideways`);
}

async function journey({ lang, width, height, words, email }) {
  const name = `${lang}-${width < 600 ? "phone" : "desktop"}`;
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.setViewport({ width, height });
  const step = (done, extra = {}) => tell({ journey: name, step: done, ...extra });
  try {
    await page.goto(plan.baseUrl);
    await until(page, "sign-in shown", () => !document.getElementById("signin-view").hidden);
    if (lang !== "en") {
      await page.select('[data-testid="language"]', lang); // Firefox here speaks en-US: the page's switch
    }
    await until(page, "page language", (l) => document.documentElement.lang === l, lang);
    await shot(page, `${name}-1-signin`);
    step("signin shown");

    await (await byId(page, "show-signup")).click();
    await fill(page, '[data-testid="signup-email"]', email);
    await fill(page, '[data-testid="signup-password"]', "short");
    await (await byId(page, "signup-submit")).click();
    await until(page, "a sentence for a short password", () => document.getElementById("message").textContent);
    await fill(page, '[data-testid="signup-password"]', "password123");
    await shot(page, `${name}-2-signup`);
    await (await byId(page, "signup-submit")).click();
    await hasText(page, "signed up", "#message", words.signed_up);
    await ask({ seed: email });
    step("signed up");

    await fill(page, '[data-testid="signin-password"]', "wrong-password");
    await (await byId(page, "signin-submit")).click();
    await hasText(page, "wrong password said", "#message", words.wrong_password);
    await fill(page, '[data-testid="signin-password"]', "password123");
    await (await byId(page, "signin-submit")).click();
    await until(page, "signed in", () => !document.getElementById("signout").hidden);
    await count(page, "the seeded history", "#history li", plan.seeded);
    if (!(await page.$eval("#history-next", (el) => el.disabled))) throw new Error("a second history page");
    step("signed in");

    await (await byId(page, "mic-check")).click();
    await page.click("#mic-start");
    await until(page, "the microphone level moves", () => document.getElementById("mic-level").value > 0);
    await hasText(page, "the microphone reads allowed", "#mic-permission", words.granted);
    const speaker = await page.evaluate(() => ({
      select: !document.getElementById("mic-output").disabled,
      choose: !document.getElementById("mic-output-choose").hidden,
      note: !document.getElementById("mic-output-note").hidden,
    }));
    if (speaker.note || !(speaker.select || speaker.choose))
      throw new Error(`no speaker picker: ${JSON.stringify(speaker)}`);
    if (speaker.choose) {
      await page.click("#mic-output-choose");
      await until(page, "a speaker chosen", () => document.getElementById("mic-output").value !== "");
    }
    await page.click("#mic-test");
    await shot(page, `${name}-3-mic-check`, false);
    await page.click("#mic-close");
    step("microphone checked", { speaker, outputs: await page.$$eval("#mic-output option", (o) => o.length) });

    await page.click('[data-testid="country"]'); // the mouse: the name is selected, typing replaces it
    await page.keyboard.type(words.country);
    await page.keyboard.press("Tab");
    const country = await value(page, '[data-testid="country"]');
    if (country !== words.country_label) throw new Error(`country: ${country}`);
    await page.type('[data-testid="national-number"]', words.number.slice(0, -3));
    if (!(await page.$eval('[data-testid="call-button"]', (el) => el.disabled)))
      throw new Error("Call on half a number");
    await page.type('[data-testid="national-number"]', words.number.slice(-3));
    await until(page, "Call enabled", () => !document.querySelector('[data-testid="call-button"]').disabled);
    await shot(page, `${name}-4-dialler`);
    step("number dialled", { country });

    await (await byId(page, "call-button")).click();
    const calling = Date.now();
    await until(page, "ringing", (w) => document.getElementById("call-status").textContent === w, words.ringing);
    const ringback = await listen(page, RINGBACK_HZ, 800); // 440 + 480 Hz while the callee rings
    if (Math.max(...ringback) < LOUD_DB) throw new Error(`no ringback: ${ringback}`);
    await until(page, "talking", (w) => document.getElementById("call-status").textContent === w, words.talking);
    const talking = Date.now();
    await until(page, "the timer runs", () => document.getElementById("call-timer").textContent === "0:01");
    await until(page, "the greeting is over", () => document.getElementById("call-timer").textContent === "0:02");
    const echo = await listen(page, TONE_HZ, 1500); // the media peer echoes the fake microphone's tone
    if (echo.filter((level) => level > LOUD_DB).length < 20) throw new Error(`no echoed tone: ${echo}`);
    await (await byId(page, "mute-button")).click();
    if ((await page.$eval("#mute-button", (el) => el.getAttribute("aria-pressed"))) !== "true") throw new Error("mute");
    await new Promise((done) => setTimeout(done, 800)); // what was already on its way
    const muted = await listen(page, TONE_HZ, 1000);
    if (Math.max(...muted) >= LOUD_DB) throw new Error(`the tone goes on while muted: ${muted}`);
    await (await byId(page, "mute-button")).click();
    await new Promise((done) => setTimeout(done, 500));
    await (await byId(page, "dtmf-1")).click(); // telephone-event/8000: the peer hears the digit, beeps back
    const beep = await listen(page, BEEP_HZ, 1000);
    if (Math.max(...beep) < LOUD_DB) throw new Error(`the peer did not answer the digit: ${beep}`);
    if (await page.$eval('[data-testid="dtmf-1"]', (el) => el.disabled)) throw new Error("keypad turned off");
    if ((await text(page, "#message")).trim()) throw new Error(`keypad: ${await text(page, "#message")}`);
    await shot(page, `${name}-5-in-call`);
    await (await byId(page, "hangup-button")).click();
    await hasText(page, "hung up", "#call-status", words.hung_up);
    await hasText(page, "the call in the history", "#history li:first-child", words.formatted);
    await shot(page, `${name}-6-ended`);
    const talked_ms = Date.now() - talking;
    step("called and hung up", { talking_ms: talking - calling, talked_ms, ringback, echo, muted, beep });

    await count(page, "a full first page", "#history li", plan.seeded);
    await (await byId(page, "history-next")).click();
    await count(page, "page 2", "#history li", 1);
    await hasText(page, "the oldest call", "#history li", "1:14");
    await shot(page, `${name}-7-history-page-2`);
    await (await byId(page, "history-prev")).click();
    await count(page, "page 1 again", "#history li", plan.seeded);
    await page.select('[data-testid="history-filter"]', "busy");
    await count(page, "no busy calls", "#history li", 0);
    await page.select('[data-testid="history-filter"]', "completed");
    await count(page, "completed calls", "#history li", plan.seeded);
    await (await (await page.$$("#history li"))[1].$('[data-testid="redial"]')).click(); // calls at once
    await until(
      page,
      "redial fills the number",
      () => document.getElementById("national-number").value === "030 12345600",
    );
    await until(
      page,
      "the call from history talks",
      (w) => document.getElementById("call-status").textContent === w,
      words.talking,
    );
    await (await byId(page, "hangup-button")).click();
    await until(page, "and hung up", () => document.getElementById("in-call").hidden);
    step("history browsed");

    await page.reload();
    await until(page, "still signed in", () => !document.getElementById("signout").hidden);
    await count(page, "history after reload", "#history li", plan.seeded);
    const other = lang === "en" ? "ru" : "en";
    await page.select('[data-testid="language"]', other);
    await hasText(page, "switched language", "#signout", plan.langs[other].sign_out);
    await page.reload();
    await hasText(page, "language remembered", "#signout", plan.langs[other].sign_out);
    await page.select('[data-testid="language"]', lang);
    step("reloaded");

    await (await byId(page, "signout")).click();
    await hasText(page, "signed out", "#message", words.signed_out);
    const stored = await page.evaluate(() => localStorage.getItem("softphone.session"));
    if (stored !== null) throw new Error("tokens left in localStorage");
    await shot(page, `${name}-8-signed-out`);
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    step("signed out");
  } catch (error) {
    await page.screenshot({ path: `${plan.artifacts}/${name}-failed.png`, fullPage: true }).catch(() => {});
    const status = await text(page, "#call-status").catch(() => "");
    const message = await text(page, "#message").catch(() => "");
    throw new Error(`${name}: ${error.message} (status "${status}", message "${message}")`);
  } finally {
    await context.close();
  }
}

let failed = false;
try {
  for (const run of plan.journeys) await journey(run);
} catch (error) {
  tell({ failed: error.message });
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
