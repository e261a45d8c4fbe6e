// The service worker: keeps the page's shell (its own files, listed by build.mjs with a version of their
// contents) so that the page starts offline. It answers only GETs of those files: network first, so a deploy
// shows at once, and the cache of this version when the network fails. The API, config.json (the stack's,
// per deploy) and the Voice SDK never pass through it, and it never stores anything but the shell.
const VERSION = "dev";
const SHELL = ["index.html"];
const PREFIX = "softphone-shell-";
const CACHE = PREFIX + VERSION;

/** The shell file a request is for, or null for anything else (left to the network, untouched). */
function shellFile(request) {
  if (request.method !== "GET") return null;
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return null;
  const name = url.pathname.slice(scope.pathname.length) || "index.html";
  return SHELL.includes(name) ? name : null;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

// A new version replaces the old one's cache, and takes over open pages (their next loads use it).
self.addEventListener("activate", (event) => {
  const stale = (key) => key.startsWith(PREFIX) && key !== CACHE;
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter(stale).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const name = shellFile(event.request);
  if (!name) return;
  const cached = () => caches.open(CACHE).then((cache) => cache.match(name)).then((hit) => hit || Response.error());
  event.respondWith(fetch(event.request).catch(cached));
});
