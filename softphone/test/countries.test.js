// What the dialler makes of what was typed in the country field (src/countries.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCountries, defaultCountry, regionOf, resolveCountry } from "../src/countries.js";

const en = buildCountries("en");
const ru = buildCountries("ru");
const iso = (found) => found?.iso ?? null;

test("a country by its label, its name, its ISO code, whatever the case and spaces", () => {
  assert.equal(iso(resolveCountry(en, "Germany (+49)")), "DE");
  assert.equal(iso(resolveCountry(en, "  germany ")), "DE");
  assert.equal(iso(resolveCountry(en, "de")), "DE");
  assert.equal(iso(resolveCountry(ru, "Германия")), "DE");
});

test("a dialling code picks its main country (shared codes included)", () => {
  assert.equal(iso(resolveCountry(en, "+49")), "DE");
  assert.equal(iso(resolveCountry(en, "44")), "GB");
  assert.equal(iso(resolveCountry(en, "+1")), "US");
  assert.equal(iso(resolveCountry(en, "+7")), "RU");
});

test("nothing, half a name or an unknown code resolves to no country", () => {
  for (const text of ["", "  ", "Germ", "+999", "United States (+1)Germany"])
    assert.equal(resolveCountry(en, text), null, text);
});

test("labels carry the name in the page's language and the dialling code, sorted by name", () => {
  assert.ok(en.some((c) => c.label === "United Kingdom (+44)"));
  assert.ok(ru.some((c) => c.label === "Россия (+7)"));
  const names = en.map((c) => c.name);
  assert.deepEqual(
    names,
    [...names].sort((a, b) => a.localeCompare(b, "en")),
  );
});

test("the default country follows the browser's languages, else the United States", () => {
  assert.equal(defaultCountry(en, ["en-GB", "en-US"]).iso, "GB");
  assert.equal(defaultCountry(en, ["ru"]).iso, "RU");
  assert.equal(defaultCountry(en, []).iso, "US");
});

test('a language that is no BCP 47 tag (WebKit\'s "C" under LANG=C) is skipped, never thrown', () => {
  assert.equal(regionOf("C"), undefined);
  assert.equal(regionOf(""), undefined);
  assert.equal(defaultCountry(en, ["C", "de-DE"]).iso, "DE");
  assert.equal(defaultCountry(en, ["C"]).iso, "US");
});
