// The i18n tables (src/i18n.js): every word in every language, with the same placeholders.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LABEL } from "../src/calls.js";
import { LANGUAGES } from "../src/i18n.js";

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test("every language has every key of every other, none empty, with the same placeholders", () => {
  const [first, ...others] = Object.entries(LANGUAGES);
  for (const [code, table] of others) {
    for (const [a, b] of [
      [first[1], table],
      [first[1].error, table.error],
    ]) {
      const keys = (t) =>
        Object.keys(t)
          .filter((k) => k !== "error")
          .sort();
      assert.deepEqual(keys(b), keys(a), `${code} vs ${first[0]}`);
      for (const key of keys(a)) {
        assert.ok(b[key].trim(), `${code}: ${key} is empty`);
        assert.deepEqual(placeholders(b[key]), placeholders(a[key]), `${code}: ${key}`);
      }
    }
  }
});

test("every call state's words exist", () => {
  for (const [code, table] of Object.entries(LANGUAGES)) {
    for (const label of Object.values(LABEL).filter(Boolean))
      assert.ok(table[`status.${label}`], `${code}: status.${label}`);
  }
});
