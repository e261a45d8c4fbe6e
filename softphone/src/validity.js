// Fields marked invalid by a form's check turn back to normal as soon as what they hold is fixed: a red border
// must not outlive its error (a short password, fixed, stayed red). One listener for the whole page.

/** Marks `field` invalid (red) or not; an invalid one is re-checked on every input until it is fixed. */
export function markInvalid(field, invalid) {
  field.setAttribute("aria-invalid", String(Boolean(invalid)));
  if (invalid) field.dataset.recheck = "";
  else delete field.dataset.recheck;
}

/** Acceptable: not blank, the browser's own checks pass, and at least its minlength (checked even for values
 * a script set, which the browser's tooShort ignores). */
export const acceptable = (field) =>
  field.value.trim() !== "" && field.checkValidity() && field.value.length >= Math.max(0, field.minLength ?? 0);

/** Whether a field marked by markInvalid now holds something acceptable. Fields the page checks in its own
 * way (the dialler's) never carry the mark. */
export const fixed = (field) => field.dataset?.recheck !== undefined && acceptable(field);

export function clearWhenFixed(root = document) {
  root.addEventListener("input", (event) => {
    if (fixed(event.target)) markInvalid(event.target, false);
  });
}
