// Minutes in words: the plural form of each language (Russian has three: 1 минута, 2 минуты, 5 минут).

const FORMS = ["one", "few", "many", "other"];

/** The key of `base` for `count` in language `code`: `${base}.one`, `.few`, `.many` or `.other`. */
export function pluralKey(base, count, code) {
  const form = new Intl.PluralRules(code).select(count);
  return `${base}.${FORMS.includes(form) ? form : "other"}`;
}

/** Whole minutes left, never below 0 (the API counts in whole minutes already; a stale value may not be). */
export const wholeMinutes = (value) => Math.max(0, Math.floor(Number(value) || 0));
