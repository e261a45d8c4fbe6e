// A field marked invalid (aria-invalid, red) stops being so as soon as what is typed in it is acceptable.
import { $ } from "./dom.js";

/** Acceptable: not blank, the browser's own checks pass, and at least its minlength (checked even for values
 * a script set, which the browser's tooShort ignores). */
export function acceptable(input) {
  return input.value.trim() !== "" && input.checkValidity() && input.value.length >= Math.max(0, input.minLength);
}

/** Watches the fields with these ids: once one is acceptable again, it is no longer marked invalid. */
export function clearWhenFixed(ids) {
  for (const id of ids) {
    const input = $(id);
    input.addEventListener("input", () => {
      if (input.getAttribute("aria-invalid") === "true" && acceptable(input))
        input.setAttribute("aria-invalid", "false");
    });
  }
}
