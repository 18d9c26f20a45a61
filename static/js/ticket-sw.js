/* Service worker for ticket pages (scope /t/): network first, the cached copy when offline, so a
   job seeker who opened the ticket once can show it at the gate without a connection.
   The page (static/js/ticket-page.js) asks it to store the ticket and its assets on first view. */
"use strict";

const CACHE = "fairapp-ticket-v1";

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
  try {
    const response = await fetch(request);
    if (response.ok && cacheable(request) && storable(response)) {
      await cache.put(request, response.clone());
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

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "store" || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((url) => cacheable(new Request(url)));
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(urls.map(async (url) => {
      try {
        const response = await fetch(url, {credentials: "same-origin"});
        if (response.ok && storable(response)) await cache.put(url, response);
      } catch (error) { /* offline already: keep what the cache has */ }
    }));
    if (event.source) event.source.postMessage({type: "stored", count: urls.length});
  })());
});
