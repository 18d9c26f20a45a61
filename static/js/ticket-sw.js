/* Service worker for ticket pages (scope /t/): network first, the cached copy when offline, so a
   job seeker who opened the ticket once can show it at the gate without a connection.
   The page (static/js/ticket-page.js) asks it to store the ticket and its assets on first view. */
"use strict";

const CACHE = "fairapp-ticket-v2";

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
      if (name.startsWith("fairapp-ticket-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function cacheable(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  // The ticket pages themselves, and the static files they use. Never the PDF (large, on demand).
  return (url.pathname.startsWith("/t/") && !url.pathname.endsWith(".pdf")) ||
    url.pathname.startsWith("/static/");
}

// Pages that say no-store (the forms behind the ticket) are never kept.
function storable(response) {
  return !/no-store/i.test(response.headers.get("Cache-Control") || "");
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  if (immutable(request.url)) {
    const stored = await cache.match(request, {ignoreVary: true});
    if (stored) return stored;
  }
  try {
    const response = await fetch(request);
    if (response.ok && cacheable(request) && storable(response)) {
      await cache.put(request, response.clone());
      JUST_STORED.set(request.url.split("#")[0], Date.now());
    } else if (response.status === 404 || response.status === 410) {
      await cache.delete(request);  // a ticket withdrawn or erased: no copy stays on the phone
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request, {ignoreVary: true});
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  if (cacheable(event.request)) event.respondWith(networkFirst(event.request));
});

/* Whether the cache holds the URL for offline use afterwards: a fresh copy when the server gives one it
   allows to be kept, the copy kept earlier when the server cannot be reached (the page reopened
   offline), nothing when it answers otherwise. A hashed static file already stored, and the page this
   worker has just fetched, are not asked for again. */
async function store(cache, url) {
  if ((immutable(url) || justStored(url)) && await cache.match(url, {ignoreVary: true})) return true;
  let response;
  try {
    response = await fetch(url, {credentials: "same-origin"});
  } catch (error) {
    return Boolean(await cache.match(url, {ignoreVary: true}));
  }
  if (!(response.ok && storable(response))) return false;
  await cache.put(url, response);
  return true;
}

/* {type: "store", id, urls} → {type: "stored", id, missing}: the URLs not on hand for offline use. */
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
