/* Service worker for the gate scanner (scope /scan/): network first, the cached copy when offline, so a
   scanner page opened once reloads without a connection. The page (static/js/scanner.js) asks it to
   store the page and its assets; ScannerStore.wipe() deletes the cache on sign-out.
   Never cached: the API (check-ins must reach the server or the page's own queue), search results. */
"use strict";

const CACHE = "fairapp-scanner-v1";

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
  try {
    const response = await fetch(request);
    if (keep(response)) await cache.put(request, response.clone());
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

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "store" || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((url) => cacheable(new Request(url)));
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(urls.map(async (url) => {
      try {
        const response = await fetch(url, {credentials: "same-origin"});
        if (keep(response)) await cache.put(url, response);
      } catch (error) { /* offline already: keep what the cache has */ }
    }));
    if (event.source) event.source.postMessage({type: "stored", count: urls.length});
  })());
});
