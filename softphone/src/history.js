// Recent calls, page by page (the API's keyset cursors), grouped by day in the person's time zone, filtered by
// outcome or searched by name or digits; each row says who, when, how it ended and how long, with "Call" and
// "Add contact". Calling and contacts are other modules' business: the rows only dispatch events for them.
import { formatForDisplay } from "./dialer.js";
import { $, button, make } from "./dom.js";
import { lang, reasonText, t } from "./i18n.js";

export const PAGE_SIZE = 10;
/** The filter offers final outcomes only: a live call is on the call screen, not something to look up. */
export const OUTCOMES = ["completed", "no-answer", "busy", "failed", "canceled"];
const ICONS = { completed: "✓", "no-answer": "↷", busy: "⦸", failed: "✕", canceled: "–", live: "●" };

/** The API's keyset paging: page n is fetched with the cursor page n-1 answered; page 0 starts afresh. */
export function createPager() {
  let cursors = [null];
  let page = 0;
  let hasNext = false;
  return {
    /** The cursor to ask for page `n` with (undefined: that page is not reachable yet). */
    cursorFor(n) {
      if (n === 0) cursors = [null];
      return cursors[n];
    },
    /** Page `n` arrived, with the cursor of the page after it (null: it is the last). */
    loaded(n, nextCursor) {
      page = n;
      cursors.length = n + 1; // pages past this one are re-read from here
      if (nextCursor) cursors[n + 1] = nextCursor;
      hasNext = Boolean(nextCursor);
    },
    get page() {
      return page;
    },
    get hasPrev() {
      return page > 0;
    },
    get hasNext() {
      return hasNext;
    },
  };
}

/** The pager is shown only when there is more than one page. */
export const pagerShown = (pager) => pager.hasPrev || pager.hasNext;

/** m:ss (h:mm:ss past an hour). */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const mmss = `${Math.floor((s % 3600) / 60)}:${String(s % 60).padStart(2, "0")}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mmss.padStart(5, "0")}` : mmss;
}

/** The calendar day of an instant in a time zone (undefined: the browser's), as YYYY-MM-DD. */
export function dayKey(when, timeZone) {
  // From the parts, not the formatted string: engines differ on en-CA's pattern (WebKit's is no YYYY-MM-DD)
  const format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const part = Object.fromEntries(format.formatToParts(new Date(when)).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day}`;
}

function dayBefore(key) {
  const [y, m, d] = key.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

/** Calls in order, cut into days: [{key, calls}]. */
export function groupByDay(calls, timeZone) {
  const groups = [];
  for (const call of calls) {
    const key = dayKey(call.start_time, timeZone);
    if (groups.at(-1)?.key !== key) groups.push({ key, calls: [] });
    groups.at(-1).calls.push(call);
  }
  return groups;
}

/** A day's heading: "today", "yesterday" (words for the caller to look up), else the date in `language`. */
export function dayHeading(key, now, language, timeZone) {
  const today = dayKey(now, timeZone);
  if (key === today) return "today";
  if (key === dayBefore(today)) return "yesterday";
  const [y, m, d] = key.split("-").map(Number);
  const sameYear = key.slice(0, 4) === today.slice(0, 4);
  return new Intl.DateTimeFormat(language, {
    timeZone: "UTC", // the key is already that zone's day
    weekday: "short",
    day: "numeric",
    month: "long",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** How a call ended, at a glance: a kind (its colour and icon) and the key of its short words. The reason
 * ("you hung up") is no news on an answered call; it stays in the row's tooltip and accessible name. */
export function outcome(call) {
  const kind = OUTCOMES.includes(call.status) ? call.status : "live";
  return { kind, icon: ICONS[kind], words: `outcome.${kind}` };
}

/** What the empty list says: a search or a filter with no match is not "no calls yet". */
export function emptyState(status, q) {
  if (q) return { key: "history.emptySearch", vars: { q } };
  if (status) return { key: "history.emptyStatus", vars: { status: `filter.${status}` } };
  return { key: "history.empty", vars: {} };
}

const view = { pager: createPager(), api: null, timer: 0 };
const fire = (name, detail) => document.dispatchEvent(new CustomEvent(name, { detail }));

function row(call) {
  const number = formatForDisplay(call.phone_number);
  const name = call.contact_name;
  const party = make("span", { className: "party" });
  party.append(make("strong", { textContent: name || number })); // textContent only: values come from the server
  if (name) party.append(make("span", { className: "num", textContent: number }));
  const when = make("time", { className: "at" });
  when.dateTime = call.start_time;
  when.textContent = new Intl.DateTimeFormat(lang(), { timeStyle: "short" }).format(new Date(call.start_time));
  const { kind, icon, words } = outcome(call);
  const result = make("span", { className: `res ${kind}` });
  const mark = make("span", { className: "icon", textContent: icon });
  mark.setAttribute("aria-hidden", "true");
  result.append(mark, t(words));
  if (call.end_reason) {
    // The reason is no news at a glance; it stays for screen readers (and as the tooltip)
    result.title = reasonText(call.end_reason);
    result.append(make("span", { className: "visually-hidden", textContent: `: ${result.title}` }));
  }
  const length = make("span", { className: "dur", textContent: call.duration === null ? "–" : clock(call.duration) });
  length.setAttribute("aria-label", `${t("history.duration")} ${length.textContent}`);
  const acts = make("span", { className: "acts" });
  const detail = { number: call.phone_number, ...(name ? { name } : {}) };
  acts.append(
    button(t("history.call"), t("history.callLabel", { who: name || number }), "redial", () =>
      fire("softphone:dial", detail),
    ),
  );
  if (!name) {
    const label = t("history.addContactLabel", { number });
    acts.append(button(t("history.addContact"), label, "add-contact", () => fire("softphone:add-contact", detail)));
  }
  const item = make("li");
  item.dataset.testid = "history-row";
  item.append(party, when, result, length, acts);
  return item;
}

function render(calls) {
  const groups = groupByDay(calls).map(({ key, calls: day }, i) => {
    const heading = dayHeading(key, Date.now(), lang());
    const words = heading === "today" || heading === "yesterday" ? t(`history.${heading}`) : heading;
    const title = make("h3", { id: `history-day-${i}`, textContent: words });
    const list = make("ul");
    list.setAttribute("aria-labelledby", title.id);
    list.append(...day.map(row));
    return [title, list];
  });
  $("history").replaceChildren(...groups.flat());
}

export async function loadHistory(page = 0) {
  const { pager } = view;
  const cursor = pager.cursorFor(page);
  if (cursor === undefined) return; // a page past the last one
  const status = $("history-filter").value;
  const q = $("history-search").value.trim();
  const data = await view.api.history({ limit: PAGE_SIZE, cursor, status, q });
  pager.loaded(page, data.next_cursor);
  render(data.calls);
  const empty = emptyState(status, q);
  if (empty.vars.status) empty.vars.status = t(empty.vars.status);
  $("history-empty").textContent = t(empty.key, empty.vars);
  $("history-empty").hidden = data.calls.length > 0;
  $("history-pager").hidden = !pagerShown(pager);
  $("history-prev").disabled = !pager.hasPrev;
  $("history-next").disabled = !pager.hasNext;
  $("history-page").textContent = t("history.page", { page: page + 1 });
}

export function fillFilter() {
  const select = $("history-filter");
  const keep = select.value;
  const options = [["", t("history.all")], ...OUTCOMES.map((s) => [s, t(`outcome.${s}`)])];
  select.replaceChildren(...options.map(([value, text]) => make("option", { value, textContent: text })));
  select.value = keep;
  $("history-search").placeholder = t("history.searchPlaceholder");
}

export function setupHistory(api, failed) {
  view.api = api;
  fillFilter();
  const go = (page) => loadHistory(page).catch(failed);
  $("history-filter").addEventListener("change", () => go(0));
  $("history-search").addEventListener("input", () => {
    clearTimeout(view.timer);
    view.timer = setTimeout(() => go(0), 300); // one request once the person pauses typing
  });
  $("history-prev").addEventListener("click", () => go(view.pager.page - 1));
  $("history-next").addEventListener("click", () => go(view.pager.page + 1));
}

export const currentPage = () => view.pager.page;
