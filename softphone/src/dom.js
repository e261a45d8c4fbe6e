// The page's one DOM helper: elements by id, and new elements with their properties set.

/** The element with this id (the page's markup has every one it uses). */
export const $ = (id) => document.getElementById(id);

/** A new element with `props` assigned (textContent, className, type...): text only, never HTML. */
export const make = (tag, props = {}) => Object.assign(document.createElement(tag), props);

/** A quiet button of a list's row: its words, a fuller label for screen readers, a test id and its action. */
export function button(text, label, testid, onClick) {
  const b = make("button", { type: "button", className: "quiet", textContent: text });
  b.dataset.testid = testid;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}
