// Names for numbers: the country picker's aliases and paste, recent countries, history by day, outcomes,
// empty states and the pager, contacts' numbers, and the red field that clears once fixed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { changes, toE164 } from "../src/contacts.js";
import { buildCountries, flag, recentFirst, remember, resolveCountry, splitInternational } from "../src/countries.js";
import {
  createPager,
  dayHeading,
  dayKey,
  emptyState,
  groupByDay,
  OUTCOMES,
  outcome,
  pagerShown,
} from "../src/history.js";
import { LANGUAGES } from "../src/i18n.js";
import { fixed, markInvalid } from "../src/validity.js";

const en = buildCountries("en");
const ru = buildCountries("ru");
const iso = (found) => found?.iso ?? null;

test("everyday names and abbreviations, English and Russian, in either page language", () => {
  const cases = {
    USA: "US",
    US: "US",
    America: "US",
    UK: "GB",
    England: "GB",
    "Great Britain": "GB",
    UAE: "AE",
    США: "US",
    Великобритания: "GB",
    Англия: "GB",
    ОАЭ: "AE",
    Германия: "DE",
    Deutschland: "DE",
    Россия: "RU",
    " соединённые  штаты ": "US",
  };
  for (const countries of [en, ru]) {
    for (const [text, want] of Object.entries(cases)) assert.equal(iso(resolveCountry(countries, text)), want, text);
  }
});

test("while typing, half a name gives no country (so no dialling code), the whole name does", () => {
  for (const text of ["Germ", "Герм", "Ge", "De", "Unit", "Us", "Uk", "Гер"])
    assert.equal(resolveCountry(en, text, { typing: true }), null, text);
  assert.equal(iso(resolveCountry(en, "Germany", { typing: true })), "DE");
  assert.equal(iso(resolveCountry(ru, "Германия", { typing: true })), "DE");
  assert.equal(iso(resolveCountry(en, "USA", { typing: true })), "US");
  assert.equal(iso(resolveCountry(en, "+49", { typing: true })), "DE"); // a dialling code is whole as typed
  // once the field is left (change), an ISO code that also begins a name is taken as the code
  assert.equal(iso(resolveCountry(en, "De")), "DE");
  assert.equal(iso(resolveCountry(en, "UK")), "GB");
});

test("flags are the two regional indicator symbols of the ISO code", () => {
  assert.equal(flag("DE"), "🇩🇪");
  assert.equal(flag("gb"), "🇬🇧");
  assert.equal(en.find((c) => c.iso === "AE").flag, "🇦🇪");
});

test("a pasted international number names its country and national number", () => {
  assert.deepEqual(splitInternational("+44 20 7946 0958"), { iso: "GB", national: "020 7946 0958" });
  assert.deepEqual(splitInternational(" 0049 30 12345678"), { iso: "DE", national: "030 12345678" });
  assert.equal(splitInternational("+1 212 555 0143")?.iso, "US");
  for (const text of ["020 7946 0958", "+44 20", "+999 123", ""]) assert.equal(splitInternational(text), null, text);
});

test("recently used countries come first, most recent first, five at most, no repeats", () => {
  let recent = [];
  for (const code of ["DE", "GB", "FR", "DE"]) recent = remember(recent, code);
  assert.deepEqual(recent, ["DE", "FR", "GB"]);
  for (const code of ["IT", "ES", "PL", "NL"]) recent = remember(recent, code);
  assert.deepEqual(recent, ["NL", "PL", "ES", "IT", "DE"]);
  const list = recentFirst(en, ["GB", "XX", "DE"]);
  assert.deepEqual(
    list.slice(0, 3).map((c) => c.iso),
    ["GB", "DE", en.find((c) => !["GB", "DE"].includes(c.iso)).iso],
  );
  assert.equal(list.length, en.length);
});

// 21:30 UTC on 1 Dec is 00:30 on 2 Dec in Moscow (UTC+3): the same calls fall on different days.
const calls = [
  { start_time: "2026-12-01T21:30:00Z" },
  { start_time: "2026-12-01T20:30:00Z" },
  { start_time: "2026-11-30T12:00:00Z" },
  { start_time: "2026-11-20T12:00:00Z" },
];

test("history is cut into days of the person's time zone", () => {
  assert.equal(dayKey("2026-12-01T21:30:00Z", "Europe/Moscow"), "2026-12-02");
  assert.equal(dayKey("2026-12-01T21:30:00Z", "UTC"), "2026-12-01");
  const days = (tz) => groupByDay(calls, tz).map((g) => [g.key, g.calls.length]);
  assert.deepEqual(days("Europe/Moscow"), [
    ["2026-12-02", 1],
    ["2026-12-01", 1],
    ["2026-11-30", 1],
    ["2026-11-20", 1],
  ]);
  assert.deepEqual(days("UTC"), [
    ["2026-12-01", 2],
    ["2026-11-30", 1],
    ["2026-11-20", 1],
  ]);
});

test("days read Today, Yesterday, then a date, each in the time zone's own calendar", () => {
  const now = Date.parse("2026-12-01T21:45:00Z"); // 00:45 on 2 Dec in Moscow
  assert.equal(dayHeading("2026-12-02", now, "en", "Europe/Moscow"), "today");
  assert.equal(dayHeading("2026-12-01", now, "en", "Europe/Moscow"), "yesterday");
  assert.equal(dayHeading("2026-12-01", now, "en", "UTC"), "today");
  assert.equal(dayHeading("2026-11-30", now, "en", "UTC"), "yesterday");
  assert.equal(dayHeading("2026-11-20", now, "en", "UTC"), "Fri, November 20");
  assert.equal(dayHeading("2026-11-20", now, "ru", "UTC"), "пт, 20 ноября");
  assert.equal(dayHeading("2025-03-01", now, "en", "UTC"), "Sat, March 1, 2025"); // another year says so
  assert.equal(dayHeading("2026-03-01", Date.parse("2026-03-02T10:00:00Z"), "en", "UTC"), "yesterday");
});

test("outcomes are short words with an icon, in both languages; live states are no filter", () => {
  assert.deepEqual(OUTCOMES, ["completed", "no-answer", "busy", "failed", "canceled"]);
  assert.deepEqual(outcome({ status: "completed", end_reason: "caller_hung_up" }), {
    kind: "completed",
    icon: "✓",
    words: "outcome.completed",
  });
  assert.equal(outcome({ status: "active" }).kind, "live");
  for (const table of Object.values(LANGUAGES)) {
    for (const kind of [...OUTCOMES, "live"]) {
      const words = table[`outcome.${kind}`];
      assert.ok(words && words.length <= 12 && !words.includes(":"), `${kind}: ${words}`);
    }
    for (const kind of OUTCOMES) assert.ok(table[`filter.${kind}`]);
  }
});

test("an empty list says why: a search, a filter, or truly no calls yet", () => {
  assert.deepEqual(emptyState("", ""), { key: "history.empty", vars: {} });
  assert.deepEqual(emptyState("busy", ""), { key: "history.emptyStatus", vars: { status: "filter.busy" } });
  assert.deepEqual(emptyState("busy", "anna"), { key: "history.emptySearch", vars: { q: "anna" } });
  const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (_, k) => vars[k]);
  assert.equal(fill(LANGUAGES.en["history.emptyStatus"], { status: LANGUAGES.en["filter.busy"] }), "No busy calls.");
});

test("the pager shows only when there is more than one page", () => {
  const pager = createPager();
  pager.loaded(0, null);
  assert.equal(pagerShown(pager), false); // one page (or none)
  pager.loaded(0, "c1");
  assert.equal(pagerShown(pager), true);
  pager.loaded(1, null);
  assert.equal(pagerShown(pager), true); // the last of two: "Newer" leads back
});

test("a contact's number is taken with its country code, in E.164; a PATCH carries only what changed", () => {
  assert.equal(toE164("+44 20 7946 0958"), "+442079460958");
  assert.equal(toE164("0049 1512 3456789"), "+4915123456789");
  for (const text of ["020 7946 0958", "+44", "", "Anna"]) assert.equal(toE164(text), null, text);
  const anna = { name: "Anna", phone_number: "+491512345678" };
  assert.deepEqual(changes(anna, "Anna", "+491512345678"), {});
  assert.deepEqual(changes(anna, "Anna S", "+491512345678"), { name: "Anna S" });
  assert.deepEqual(changes(anna, "Anna", "+4930123456"), { phone_number: "+4930123456" });
});

test("a field marked invalid is fixed once it holds an acceptable value; unmarked fields are left alone", () => {
  const field = (value, valid = true) => {
    const attrs = {};
    return {
      value,
      dataset: {},
      setAttribute: (k, v) => {
        attrs[k] = v;
      },
      checkValidity: () => valid,
      attrs,
    };
  };
  const password = field("short", false);
  markInvalid(password, true);
  assert.equal(password.attrs["aria-invalid"], "true");
  assert.equal(fixed(password), false);
  password.value = "password123";
  password.checkValidity = () => true;
  assert.equal(fixed(password), true);
  markInvalid(password, false);
  assert.equal(password.attrs["aria-invalid"], "false");
  assert.equal(fixed(password), false); // no longer marked: nothing to clear
  assert.equal(fixed(field("anything")), false); // the dialler's number field checks itself
  const blank = field("  ");
  markInvalid(blank, true);
  assert.equal(fixed(blank), false);
});
