/* Service worker for the scanner pages (scope /scan/: the gate scanner, and the booth scanner at
   /scan/booth/<id>): network first, the cached copy when offline, so a scanner page opened once reloads
   without a connection. The page (static/js/offline-page.js) asks it to store the page and every file it
   needs, those it loads later included (the QR decoder's worker), and is told which of them are not on
   hand; ScannerStore.wipe() deletes the cache on sign-out.
   Never cached: the API (check-ins must reach the server or the page's own queue), search results. */
"use strict";

// A new name when the set of stored files changes: activation drops the old cache and the page, on
// the controllerchange that follows, stores everything again.
const CACHE = "fairapp-scanner-v3";

// A static file whose name carries its content's hash (fairapp/staticfiles.py) never changes: once
// stored it is answered from the cache, and never fetched again.
const HASHED_STATIC = /^\/static\/.+\.[0-9a-f]{10}\.[A-Za-z0-9]+$/;

function immutable(url) {
  return HASHED_STATIC.test(new URL(url).pathname);
}

// What the fetch handler stored in the last minute: the page asks to store itself right after it
// loaded through this worker, and need not be fetched a second time.
const JUST_STORED = new Map();
const JUST = 60 * 1000;

function justStored(url) {
  const at = JUST_STORED.get(url);
  return at !== undefined && Date.now() - at < JUST;
}

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("fairapp-scanner-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function cacheable(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  if (url.pathname.startsWith("/static/")) return true;
  return url.pathname.startsWith("/scan/") && !url.pathname.endsWith("/search") &&
    !url.pathname.endsWith("/sw.js");
}

function keep(response) {
  // A redirect (to the sign-in page, once the session ended) is never the scanner page.
  return response.ok && !response.redirected && response.type === "basic";
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  if (immutable(request.url)) {
    const stored = await cache.match(request, {ignoreVary: true});
    if (stored) return stored;
  }
  try {
    const response = await fetch(request);
    if (keep(response)) {
      await cache.put(request, response.clone());
      JUST_STORED.set(request.url.split("#")[0], Date.now());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request, {ignoreVary: true, ignoreSearch: request.mode === "navigate"});
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  if (cacheable(event.request)) event.respondWith(networkFirst(event.request));
});

/* Whether the cache holds the URL for offline use afterwards: a fresh copy when the server gives one,
   the copy kept earlier when the server cannot be reached (the page reopened offline), nothing when
   it answers otherwise (a redirect to the sign-in page, an error). A hashed static file already stored,
   and the page this worker has just fetched, are not asked for again. */
async function store(cache, url) {
  if ((immutable(url) || justStored(url)) && await cache.match(url, {ignoreVary: true})) return true;
  let response;
  try {
    response = await fetch(url, {credentials: "same-origin"});
  } catch (error) {
    return Boolean(await cache.match(url, {ignoreVary: true}));
  }
  if (!keep(response)) return false;
  await cache.put(url, response);
  return true;
}

/* {type: "store", id, urls} → {type: "stored", id, missing}: the URLs not on hand for offline use,
   those this worker never caches (the API) included. */
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "store" || !Array.isArray(data.urls)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const missing = [];
    await Promise.all(data.urls.map(async (url) => {
      if (!cacheable(new Request(url)) || !(await store(cache, url))) missing.push(url);
    }));
    if (event.source) event.source.postMessage({type: "stored", id: data.id, missing: missing});
  })());
});
