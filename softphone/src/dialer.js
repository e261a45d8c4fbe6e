// The country picker and the national number: libphonenumber-js formats the number as it is typed and decides
// when it is complete. Its `max` metadata is the smallest set that checks the digits (`min` checks only the
// length: "1512" passes for Germany). Country names come from the browser (Intl.DisplayNames).
import { AsYouType, parsePhoneNumberFromString } from "libphonenumber-js/max";
import {
  buildCountries,
  defaultCountry as firstCountry,
  RECENT_KEY,
  recentFirst,
  remember,
  resolveCountry,
  splitInternational,
} from "./countries.js";
import { $, make } from "./dom.js";
import { lang, t } from "./i18n.js";

let countries = [];
let selected = null;
let onChange = () => {};

function recent() {
  try {
    return JSON.parse(localStorage.getItem(RECENT_KEY)) || [];
  } catch {
    return [];
  }
}

function buildList() {
  countries = buildCountries(lang());
  const options = recentFirst(countries, recent()).map((c) => make("option", { value: c.label, label: c.flag }));
  $("countries").replaceChildren(...options);
}

/** A country the person chose (or a pasted number chose): it goes first in the list from now on. */
function used(country) {
  if (!country) return;
  localStorage.setItem(RECENT_KEY, JSON.stringify(remember(recent(), country.iso)));
  buildList();
}

const resolve = (text, typing = false) => resolveCountry(countries, text, { typing });
const showCode = (country) => {
  $("calling-code").textContent = country ? `${country.flag} +${country.code}` : "";
};
const defaultCountry = () =>
  firstCountry(countries, navigator.languages?.length ? navigator.languages : [navigator.language]);

function choose(country) {
  selected = country;
  showCode(country);
  if (country) $("country").value = country.label;
  $("country").setAttribute("aria-invalid", country ? "false" : "true");
  formatNumber();
}

function formatNumber() {
  const input = $("national-number");
  const pasted = splitInternational(input.value); // "+44 20 7946 0958" with Germany chosen: the UK it is
  if (pasted && pasted.iso !== selected?.iso) {
    const country = countries.find((c) => c.iso === pasted.iso);
    input.value = pasted.national;
    used(country);
    return choose(country);
  }
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
  return number?.isValid() && number.country === selected.iso ? number : null;
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
  const country =
    countries.find((c) => c.iso === number.country) || countries.find((c) => c.code === number.countryCallingCode);
  $("national-number").value = number.formatNational();
  choose(country);
}

export const formatForDisplay = (e164) => parsePhoneNumberFromString(e164)?.formatInternational() || e164;

export function relabel() {
  const iso = selected?.iso;
  buildList();
  choose(iso ? countries.find((c) => c.iso === iso) : defaultCountry());
}

/** The whole name is selected on focus, so typing replaces it. The click that focuses the field places its
 * caret afterwards (Firefox on mouseup, WebKit even after the click event): that first caret is undone once. */
function selectOnFocus(input) {
  let clicked = false; // the field is being focused by a click whose caret has not landed yet
  const again = () => {
    if (!clicked || document.activeElement !== input || input.selectionStart !== input.selectionEnd) return;
    clicked = false;
    input.select();
  };
  input.addEventListener("pointerdown", () => {
    clicked = document.activeElement !== input;
  });
  input.addEventListener("focus", () => input.select());
  for (const event of ["select", "click"]) input.addEventListener(event, again);
  document.addEventListener("selectionchange", again);
  for (const done of ["blur", "keydown"]) {
    input.addEventListener(done, () => {
      clicked = false;
    });
  }
}

export function setupDialer(changed) {
  onChange = changed;
  buildList();
  choose(defaultCountry());
  $("country").addEventListener("input", () => {
    selected = resolve($("country").value, true); // no code for half a name ("Germ")
    showCode(selected);
    formatNumber();
  });
  $("country").addEventListener("change", () => {
    const found = resolve($("country").value);
    choose(found);
    used(found);
  });
  selectOnFocus($("country"));
  $("national-number").addEventListener("input", formatNumber);
}
