// The country picker and the national number: libphonenumber-js formats the number as it is typed and decides
// when it is complete. Its `max` metadata is the smallest set that checks the digits (`min` checks only the
// length: "1512" passes for Germany). Country names come from the browser (Intl.DisplayNames).
import { AsYouType, getCountries, getCountryCallingCode, parsePhoneNumberFromString } from "libphonenumber-js/max";
import metadata from "libphonenumber-js/max/metadata";
import { lang, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let countries = [];
let selected = null;
let onChange = () => {};

function buildList() {
  const names = new Intl.DisplayNames([lang()], { type: "region" });
  countries = getCountries()
    .map((iso) => ({ iso, code: getCountryCallingCode(iso), name: names.of(iso) || iso }))
    .sort((a, b) => a.name.localeCompare(b.name, lang()));
  for (const c of countries) c.label = `${c.name} (+${c.code})`;
  $("countries").replaceChildren(
    ...countries.map((c) => Object.assign(document.createElement("option"), { value: c.label })),
  );
}

/** A country from what was typed: its label, name, ISO code (DE) or dialling code (+49). */
function resolve(text) {
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

// Shared dialling codes (+1, +7, +44...): the metadata lists the code's main country first.
const mainCountry = (code) => metadata.country_calling_codes[code]?.[0];

function defaultCountry() {
  for (const tag of navigator.languages || [navigator.language]) {
    const region = new Intl.Locale(tag).maximize().region;
    const found = countries.find((c) => c.iso === region);
    if (found) return found;
  }
  return countries.find((c) => c.iso === "US");
}

function choose(country) {
  selected = country;
  $("calling-code").textContent = country ? `+${country.code}` : "";
  if (country) $("country").value = country.label;
  $("country").setAttribute("aria-invalid", country ? "false" : "true");
  formatNumber();
}

function formatNumber() {
  const input = $("national-number");
  const atEnd = input.selectionStart === input.value.length;
  if (selected && atEnd) input.value = new AsYouType(selected.iso).input(input.value);
  onChange(validNumber());
  hint();
}

// The server refuses these (toll fraud); the page says so before anyone presses Call.
const HIGH_COST = new Set(["PREMIUM_RATE", "SHARED_COST", "PERSONAL_NUMBER", "UAN"]);

function parsed() {
  if (!selected) return null;
  const number = parsePhoneNumberFromString($("national-number").value, selected.iso);
  return number && number.isValid() && number.country === selected.iso ? number : null;
}

function hint() {
  const number = validNumber();
  const raw = $("national-number").value.trim();
  let text = t("numberHint");
  if (!selected) text = t("countryUnknown");
  else if (number) text = t("numberValid", { number: number.formatInternational() });
  else if (parsed()) text = t("numberHighCost");
  else if (raw.replace(/\D/g, "").length > 3) text = t("numberInvalid", { country: selected.name });
  $("number-hint").textContent = text;
  $("national-number").setAttribute("aria-invalid", raw && !number ? "true" : "false");
}

/** The parsed number when it is valid for the chosen country and not a high-cost one, else null. */
export function validNumber() {
  const number = parsed();
  return number && !HIGH_COST.has(number.getType()) ? number : null;
}

/** Fills the picker and the number from an E.164 number (redial). */
export function setNumber(e164) {
  const number = parsePhoneNumberFromString(e164);
  if (!number) return;
  const country = countries.find((c) => c.iso === number.country) || countries.find((c) => c.code === number.countryCallingCode);
  $("national-number").value = number.formatNational();
  choose(country);
}

export const formatForDisplay = (e164) => parsePhoneNumberFromString(e164)?.formatInternational() || e164;

export function relabel() {
  const iso = selected?.iso;
  buildList();
  choose(iso ? countries.find((c) => c.iso === iso) : defaultCountry());
}

export function setupDialer(changed) {
  onChange = changed;
  buildList();
  choose(defaultCountry());
  $("country").addEventListener("input", () => {
    const found = resolve($("country").value);
    if (found || !$("country").value) {
      selected = found;
      $("calling-code").textContent = found ? `+${found.code}` : "";
      formatNumber();
    } else {
      selected = null;
      formatNumber();
    }
  });
  $("country").addEventListener("change", () => choose(resolve($("country").value)));
  $("country").addEventListener("focus", () => $("country").select());
  $("national-number").addEventListener("input", formatNumber);
}
