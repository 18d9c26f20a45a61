/* The ticket page: register the ticket service worker and have it store this page and every file
   it loaded, so the ticket still opens without a connection. Sets data-offline-ready="true" on the
   ticket once stored. */
(function () {
  "use strict";
  const ticket = document.querySelector("[data-ticket]");
  if (!ticket || !("serviceWorker" in navigator)) return;

  function assetUrls() {
    const urls = new Set([location.href.split("#")[0]]);
    for (const entry of performance.getEntriesByType("resource")) {
      const url = new URL(entry.name);
      if (url.origin === location.origin) urls.add(url.href);
    }
    for (const node of document.querySelectorAll("link[rel=stylesheet][href], link[rel=manifest][href], script[src]")) {
      urls.add(new URL(node.getAttribute("href") || node.getAttribute("src"), location.href).href);
    }
    return Array.from(urls);
  }

  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "stored") ticket.dataset.offlineReady = "true";
  });

  navigator.serviceWorker.register(ticket.dataset.serviceWorker, {scope: ticket.dataset.scope})
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const worker = registration.active;
      if (worker) worker.postMessage({type: "store", urls: assetUrls()});
    })
    .catch(() => { /* no offline copy; the page itself still works */ });
})();
