// The page as an installable app: the service worker (public/sw.js) keeps the shell so the page starts
// offline, and a line under the header says while the browser is offline (sign-in and calls need it).
import { make } from "./dom.js";
import { t } from "./i18n.js";

export function setupOffline() {
  const line = make("p", { id: "offline", className: "offline", hidden: navigator.onLine });
  line.setAttribute("role", "status");
  line.dataset.t = "offline";
  line.dataset.testid = "offline";
  line.textContent = t("offline");
  document.querySelector(".bar").after(line);
  const update = () => {
    line.hidden = navigator.onLine;
  };
  addEventListener("online", update);
  addEventListener("offline", update);
}

/** Registers the service worker; a browser without one (or a plain-HTTP origin) simply has no offline start. */
export function registerShell() {
  if (!("serviceWorker" in navigator) || !globalThis.isSecureContext) return;
  navigator.serviceWorker.register("sw.js").catch((error) => console.warn("no offline shell:", error));
}
