// The keyboard during a call: digits, * and # send tones, Esc hangs up. Never while the person types in a
// field (a contact's name, a search) or while a dialog is open (its own Esc closes it). Pure: unit-tested.

const TONES = new Set(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]);
const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);

/** What a keydown means during a call: {tone: key}, {hangup: true}, or null (left to the page).
 * `event` needs key, ctrlKey/metaKey/altKey, and `target` ({tagName, isContentEditable}); `dialogOpen` says a
 * modal dialog is showing. */
export function callKey(event, dialogOpen = false) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return null;
  const target = event.target || {};
  if (TYPING.has(String(target.tagName).toUpperCase()) || target.isContentEditable || dialogOpen) return null;
  if (event.key === "Escape") return { hangup: true };
  return TONES.has(event.key) ? { tone: event.key } : null;
}
