// The dialler's countries: every region libphonenumber-js knows, named in the page's language, and what a
// person may type to pick one (its label, name, ISO code, dialling code or an everyday alias in English or
// Russian: USA, UK, США, Англия...). No DOM: dialer.js shows them.
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from "libphonenumber-js/max";
import metadata from "libphonenumber-js/max/metadata";

/** What people call a country besides its official name, in both languages (lower case). */
export const ALIASES = {
  US: ["usa", "us", "america", "united states of america", "сша", "америка", "соединённые штаты", "штаты"],
  GB: ["uk", "great britain", "britain", "england", "scotland", "wales", "великобритания", "британия", "англия"],
  AE: ["uae", "emirates", "оаэ", "эмираты", "арабские эмираты"],
  DE: ["deutschland", "германия", "фрг"],
  RU: ["russian federation", "рф", "россия"],
  NL: ["holland", "the netherlands", "голландия", "нидерланды"],
  CZ: ["czech republic", "чехия"],
  KR: ["south korea", "korea", "южная корея", "корея"],
  KP: ["north korea", "северная корея", "кндр"],
  CN: ["prc", "кнр"],
  CH: ["schweiz", "suisse", "швейцария"],
  ES: ["espana", "españa"],
  TR: ["turkey", "turkiye", "турция"],
  BY: ["belarus", "беларусь", "белоруссия"],
  MD: ["moldova", "молдавия", "молдова"],
  KG: ["kyrgyzstan", "киргизия", "кыргызстан"],
  VA: ["vatican", "ватикан"],
  CI: ["ivory coast", "кот-д’ивуар", "кот-д'ивуар"],
  MK: ["macedonia", "македония"],
};

const flagBase = 0x1f1e6 - 65; // regional indicator A, less "A"
/** The emoji flag of an ISO region: two regional indicator symbols. */
export const flag = (iso) => String.fromCodePoint(...[...iso.toUpperCase()].map((c) => flagBase + c.charCodeAt(0)));

const fold = (text) => text.trim().toLocaleLowerCase().replace(/ё/g, "е").replace(/\s+/g, " ");

/** [{iso, code, name, label, flag, keys}] sorted by name in `language`. */
export function buildCountries(language) {
  const names = new Intl.DisplayNames([language], { type: "region" });
  const english = new Intl.DisplayNames(["en"], { type: "region" });
  const russian = new Intl.DisplayNames(["ru"], { type: "region" });
  const countries = getCountries()
    .map((iso) => ({ iso, code: getCountryCallingCode(iso), name: names.of(iso) || iso }))
    .sort((a, b) => a.name.localeCompare(b.name, language));
  for (const c of countries) {
    c.label = `${c.name} (+${c.code})`;
    c.flag = flag(c.iso);
    // Every whole name it answers to, in either language, whatever the page's language
    const all = [c.name, english.of(c.iso), russian.of(c.iso), ...(ALIASES[c.iso] || [])];
    c.keys = [...new Set(all.filter(Boolean).map(fold))];
  }
  return countries;
}

// Shared dialling codes (+1, +7, +44...): the metadata lists the code's main country first.
const mainCountry = (code) => metadata.country_calling_codes[code]?.[0];

/** A country from what was typed: its label, name or alias (either language), ISO code (DE) or dialling code
 * (+49); else null. `typing`: the text may still grow, so what also begins another country's name ("De" on the
 * way to "Denmark", "Guinea" to "Guinea-Bissau") is no country yet: no code is shown for half a name. */
export function resolveCountry(countries, text, { typing = false } = {}) {
  const q = fold(text);
  if (!q) return null;
  const digits = q.replace(/^\+/, "");
  const found =
    countries.find((c) => fold(c.label) === q) ||
    countries.find((c) => c.keys.includes(q)) ||
    countries.find((c) => c.iso.toLowerCase() === q) ||
    (/^\d+$/.test(digits) && countries.find((c) => c.iso === mainCountry(digits))) ||
    null;
  if (!found || !typing || /^\+?\d+$/.test(q)) return found;
  const longer = countries.some((c) => c.keys.some((k) => k !== q && k.startsWith(q)));
  return longer ? null : found;
}

/** An international number typed or pasted ("+44 20 7946 0958", "0044..."): its country and national number
 * when it is a valid number of a known country, else null (then the chosen country stays). */
export function splitInternational(text) {
  const raw = text.trim().replace(/^00/, "+");
  if (!raw.startsWith("+")) return null;
  const number = parsePhoneNumberFromString(raw);
  if (!number?.isValid() || !number.country) return null;
  return { iso: number.country, national: number.formatNational() };
}

export const RECENT_KEY = "softphone.recentCountries";
const RECENT_MAX = 5;

/** The ISO codes used most recently first, `iso` now at the front, at most five. */
export const remember = (recent, iso) => [iso, ...recent.filter((r) => r !== iso)].slice(0, RECENT_MAX);

/** The list as offered: recently used countries first (most recent first), then every other by name. */
export function recentFirst(countries, recent) {
  const front = recent.map((iso) => countries.find((c) => c.iso === iso)).filter(Boolean);
  return [...front, ...countries.filter((c) => !recent.includes(c.iso))];
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
