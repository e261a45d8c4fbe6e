// The page's one DOM helper: elements by id, and new elements with their properties set.

/** The element with this id (the page's markup has every one it uses). */
export const $ = (id) => document.getElementById(id);

/** A new element with `props` assigned (textContent, className, type...): text only, never HTML. */
export const make = (tag, props = {}) => Object.assign(document.createElement(tag), props);
