// The account's pure logic: the emailed links read from the fragment (src/links.js), minutes in words in both
// languages (src/minutes.js), the show-password toggle (src/reveal.js) and when a field stops being red
// (src/validity.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { acceptable } from "../src/validity.js";
import { LANGUAGES } from "../src/i18n.js";
import { readLink, takeLink } from "../src/links.js";
import { pluralKey, wholeMinutes } from "../src/minutes.js";
import { reveal } from "../src/reveal.js";

const TOKEN = `${"A".repeat(20)}${"b-_9".repeat(5)}xyz`; // 43 characters of base64url

test("a verify or reset fragment gives its kind and token, well formed only as the API spells tokens", () => {
  assert.deepEqual(readLink(`#verify=${TOKEN}`), { kind: "verify", token: TOKEN, wellFormed: true });
  assert.deepEqual(readLink(`#reset=${TOKEN}`), { kind: "reset", token: TOKEN, wellFormed: true });
  assert.deepEqual(readLink("#forgot"), { kind: "forgot" });
  for (const bad of [`${TOKEN}=`, TOKEN.slice(1), `${TOKEN}A`, `${TOKEN.slice(1)}+`, ""])
    assert.equal(readLink(`#reset=${bad}`).wellFormed, false, bad);
  assert.equal(readLink(`#reset=%E0%A4%A`).wellFormed, false); // broken escape: no exception
  assert.equal(readLink(`#verify=${encodeURIComponent(TOKEN)}`).token, TOKEN);
});

test("other fragments (or none) are no link", () => {
  for (const hash of ["", "#", "#history", "#resetx=abc", "#verify", "#forgot=1", undefined])
    assert.equal(readLink(hash), null, hash);
});

test("taking a link removes it from the address and the history entry, keeping path and query", () => {
  const calls = [];
  const history = { state: { n: 1 }, replaceState: (...args) => calls.push(args) };
  const place = { hash: `#reset=${TOKEN}`, pathname: "/app/", search: "?x=1" };
  assert.equal(takeLink(place, history).kind, "reset");
  assert.deepEqual(calls, [[{ n: 1 }, "", "/app/?x=1"]]);
  calls.length = 0;
  assert.equal(takeLink({ hash: "#other", pathname: "/", search: "" }, history), null);
  assert.deepEqual(calls, []); // nothing to hide: the address is left alone
});

test("minutes in words: English one/other, Russian one/few/many, every form in both tables", () => {
  const words = (code, n) => LANGUAGES[code][pluralKey("minutes", n, code)].replace("{count}", n);
  assert.equal(words("en", 1), "1 minute left today");
  assert.equal(words("en", 0), "0 minutes left today");
  assert.equal(words("ru", 1), "Сегодня осталась 1 минута");
  assert.equal(words("ru", 21), "Сегодня осталась 21 минута");
  assert.equal(words("ru", 3), "Сегодня осталось 3 минуты");
  assert.equal(words("ru", 120), "Сегодня осталось 120 минут");
  assert.equal(words("ru", 0), "Сегодня осталось 0 минут");
  assert.deepEqual([wholeMinutes(-3), wholeMinutes(7.9), wholeMinutes(undefined)], [0, 7, 0]);
});

test("the toggle shows and hides the password and says so with aria-pressed", () => {
  const attrs = {};
  const button = { setAttribute: (name, value) => (attrs[name] = value) };
  const input = { type: "password" };
  reveal(input, button, true);
  assert.deepEqual([input.type, attrs["aria-pressed"]], ["text", "true"]);
  reveal(input, button, false);
  assert.deepEqual([input.type, attrs["aria-pressed"]], ["password", "false"]);
});

test("a field is acceptable once not blank, valid, and at least its minlength long", () => {
  const field = (value, minLength = -1, valid = true) => ({ value, minLength, checkValidity: () => valid });
  assert.equal(acceptable(field("short", 8)), false); // tooShort is not flagged for script-set values
  assert.equal(acceptable(field("long enough", 8)), true);
  assert.equal(acceptable(field("   ")), false);
  assert.equal(acceptable(field("a@b", -1, false)), false);
  assert.equal(acceptable(field("a@example.com")), true);
});
