// Recent calls, page by page (the API's keyset cursors), filtered by status, each row with a redial button.
import { formatForDisplay } from "./dialer.js";
import { lang, reasonText, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 10;
const STATUSES = ["completed", "failed", "busy", "no-answer", "canceled", "active", "connecting", "ringing"];
const view = { cursors: [null], page: 0, api: null, redial: () => {} };

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
  const item = document.createElement("li");
  const when = document.createElement("time");
  when.dateTime = call.start_time;
  when.textContent = new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(call.start_time),
  );
  const number = Object.assign(document.createElement("span"), { className: "num", textContent: formatForDisplay(call.phone_number) });
  const outcome = Object.assign(document.createElement("span"), { className: `res ${call.status}`, textContent: result(call) });
  const length = Object.assign(document.createElement("span"), {
    className: "dur",
    textContent: call.duration === null ? "–" : clock(call.duration),
  });
  length.setAttribute("aria-label", `${t("history.duration")} ${length.textContent}`);
  const redial = Object.assign(document.createElement("button"), {
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
  if (page === 0) view.cursors = [null];
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (view.cursors[page]) query.set("cursor", view.cursors[page]);
  if ($("history-filter").value) query.set("status", $("history-filter").value);
  const data = await view.api("GET", `/api/calls/history?${query}`);
  view.page = page;
  view.cursors[page + 1] = data.next_cursor;
  $("history").replaceChildren(...data.calls.map(row));
  $("history-empty").hidden = data.calls.length > 0;
  $("history-prev").disabled = page === 0;
  $("history-next").disabled = !data.next_cursor;
  $("history-page").textContent = t("history.page", { page: page + 1 });
}

export function fillFilter() {
  const select = $("history-filter");
  const keep = select.value;
  const options = [["", t("history.all")], ...STATUSES.map((s) => [s, t(`state.${s}`)])];
  select.replaceChildren(...options.map(([value, text]) => Object.assign(document.createElement("option"), { value, textContent: text })));
  select.value = keep;
}

export function setupHistory(api, redial, failed) {
  Object.assign(view, { api, redial });
  fillFilter();
  const go = (page) => loadHistory(page).catch(failed);
  $("history-filter").addEventListener("change", () => go(0));
  $("history-prev").addEventListener("click", () => go(view.page - 1));
  $("history-next").addEventListener("click", () => go(view.page + 1));
}

export const currentPage = () => view.page;
