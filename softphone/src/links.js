// The links the account emails lead to: `#verify=<token>`, `#reset=<token>` and `#forgot` in the page's
// address. A fragment never reaches a server; the page reads it once, then takes it out of the address bar
// and the history (history.replaceState), so no token stays behind in this browser.

const TOKEN = /^[A-Za-z0-9_-]{43}$/; // 32 random bytes in unpadded base64url, as the API spells them

/** What a fragment asks for: {kind: "verify"|"reset", token, wellFormed} or {kind: "forgot"}; null if none. */
export function readLink(hash) {
  const text = String(hash || "").replace(/^#/, "");
  if (text === "forgot") return { kind: "forgot" };
  const found = /^(verify|reset)=(.*)$/.exec(text);
  if (!found) return null;
  let token = found[2];
  try {
    token = decodeURIComponent(token); // a mail client may have escaped it; the API refuses any other spelling
  } catch {
    return { kind: found[1], token, wellFormed: false };
  }
  return { kind: found[1], token, wellFormed: TOKEN.test(token) };
}

/** The current address's link, taken out of the address bar and the history entry. */
export function takeLink(place = globalThis.location, history = globalThis.history) {
  const link = readLink(place.hash);
  if (link) history.replaceState(history.state, "", place.pathname + place.search);
  return link;
}
