// Recent calls, page by page (the API's keyset cursors), filtered by status, each row with a redial button.
import { formatForDisplay } from "./dialer.js";
import { $, make } from "./dom.js";
import { lang, reasonText, t } from "./i18n.js";

export const PAGE_SIZE = 10;
const STATUSES = ["completed", "failed", "busy", "no-answer", "canceled", "active", "connecting", "ringing"];

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

const view = { pager: createPager(), api: null, redial: () => {} };

/** m:ss (h:mm:ss past an hour). */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const mmss = `${Math.floor((s % 3600) / 60)}:${String(s % 60).padStart(2, "0")}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mmss.padStart(5, "0")}` : mmss;
}

export function result(call) {
  const state = t(`state.${call.status}`);
  return call.end_reason ? `${state}: ${reasonText(call.end_reason)}` : state;
}

function row(call) {
  const item = make("li");
  const when = make("time");
  when.dateTime = call.start_time;
  when.textContent = new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(call.start_time),
  );
  const number = make("span", { className: "num", textContent: formatForDisplay(call.phone_number) });
  const outcome = make("span", { className: `res ${call.status}`, textContent: result(call) });
  const length = make("span", {
    className: "dur",
    textContent: call.duration === null ? "–" : clock(call.duration),
  });
  length.setAttribute("aria-label", `${t("history.duration")} ${length.textContent}`);
  const redial = make("button", {
    type: "button",
    className: "quiet",
    textContent: t("history.redialShort"),
  });
  redial.dataset.testid = "redial";
  redial.setAttribute("aria-label", t("history.redial", { number: number.textContent }));
  redial.addEventListener("click", () => view.redial(call.phone_number));
  item.append(number, when, outcome, length, redial); // textContent only: values come from the server
  return item;
}

export async function loadHistory(page = 0) {
  const { pager } = view;
  const cursor = pager.cursorFor(page);
  if (cursor === undefined) return; // a page past the last one
  const data = await view.api.history({ limit: PAGE_SIZE, cursor, status: $("history-filter").value });
  pager.loaded(page, data.next_cursor);
  $("history").replaceChildren(...data.calls.map(row));
  $("history-empty").hidden = data.calls.length > 0;
  $("history-prev").disabled = !pager.hasPrev;
  $("history-next").disabled = !pager.hasNext;
  $("history-page").textContent = t("history.page", { page: page + 1 });
}

export function fillFilter() {
  const select = $("history-filter");
  const keep = select.value;
  const options = [["", t("history.all")], ...STATUSES.map((s) => [s, t(`state.${s}`)])];
  select.replaceChildren(...options.map(([value, text]) => make("option", { value, textContent: text })));
  select.value = keep;
}

export function setupHistory(api, redial, failed) {
  Object.assign(view, { api, redial });
  fillFilter();
  const go = (page) => loadHistory(page).catch(failed);
  $("history-filter").addEventListener("change", () => go(0));
  $("history-prev").addEventListener("click", () => go(view.pager.page - 1));
  $("history-next").addEventListener("click", () => go(view.pager.page + 1));
}

export const currentPage = () => view.pager.page;
