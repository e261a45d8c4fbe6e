// The dialler's countries: every region libphonenumber-js knows, named in the page's language, and what a
// person may type to pick one (its label, name, ISO code or dialling code). No DOM: dialer.js shows them.
import { getCountries, getCountryCallingCode } from "libphonenumber-js/max";
import metadata from "libphonenumber-js/max/metadata";

/** [{iso, code, name, label}] sorted by name in `language`. */
export function buildCountries(language) {
  const names = new Intl.DisplayNames([language], { type: "region" });
  const countries = getCountries()
    .map((iso) => ({ iso, code: getCountryCallingCode(iso), name: names.of(iso) || iso }))
    .sort((a, b) => a.name.localeCompare(b.name, language));
  for (const c of countries) c.label = `${c.name} (+${c.code})`;
  return countries;
}

// Shared dialling codes (+1, +7, +44...): the metadata lists the code's main country first.
const mainCountry = (code) => metadata.country_calling_codes[code]?.[0];

/** A country from what was typed: its label, name, ISO code (DE) or dialling code (+49); else null. */
export function resolveCountry(countries, text) {
  const q = text.trim().toLowerCase();
  if (!q) return null;
  const digits = q.replace(/^\+/, "");
  return (
    countries.find((c) => c.label.toLowerCase() === q) ||
    countries.find((c) => c.name.toLowerCase() === q || c.iso.toLowerCase() === q) ||
    (/^\d+$/.test(digits) && countries.find((c) => c.iso === mainCountry(digits))) ||
    null
  );
}

/** The region of a language tag ("en-GB" → GB, "ru" → RU), or undefined (also for what is no BCP 47 tag,
 * such as WebKit's "C" under LANG=C, which Intl.Locale refuses with a RangeError). */
export function regionOf(tag) {
  try {
    return new Intl.Locale(tag).maximize().region;
  } catch {
    return undefined;
  }
}

/** The first country of the browser's languages, else the United States. */
export function defaultCountry(countries, tags) {
  for (const tag of tags) {
    const found = countries.find((c) => c.iso === regionOf(tag));
    if (found) return found;
  }
  return countries.find((c) => c.iso === "US");
}
