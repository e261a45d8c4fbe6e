// The dial pad beside the country picker: tapping a key types its digit at the end of the national number
// (formatted as typed, like the keyboard's); ⌫ erases the last digit. The field stays typeable too.
import { $, make } from "./dom.js";
import { t } from "./i18n.js";

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "erase"];

/** The number after a key: a digit appended, or the last digit (and what formatting put after it) erased. */
export function pressed(value, key) {
  if (key !== "erase") return value + key;
  const last = value.search(/\d\D*$/);
  return last < 0 ? "" : value.slice(0, last).replace(/\D+$/, "");
}

export function relabelPad() {
  $("dial-pad").querySelector('[data-key="erase"]')?.setAttribute("aria-label", t("callscreen.erase"));
}

export function setupDialPad() {
  const input = $("national-number");
  $("dial-pad").append(
    ...KEYS.map((key) => {
      if (!key) return make("span");
      const button = make("button", { type: "button", textContent: key === "erase" ? "⌫" : key });
      button.dataset.key = key;
      button.dataset.testid = `pad-${key}`;
      button.addEventListener("click", () => {
        input.value = pressed(input.value, key);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      return button;
    }),
  );
  relabelPad();
}
