/* The ticket page: register the ticket service worker and have it store this page and every file
   it loaded, so the ticket still opens without a connection. Sets data-offline-ready="true" on the
   ticket once the worker reports all of them stored. */
(function () {
  "use strict";
  const ticket = document.querySelector("[data-ticket]");
  if (!ticket) return;

  // Remember this ticket on the phone, so the self check-in kiosk page can offer "check in with the
  // saved ticket" ({fair_id, secret} under "fairapp.tickets", one entry per fair).
  try {
    const fairId = Number(ticket.dataset.fairId);
    const secret = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
    if (fairId && secret) {
      const stored = JSON.parse(localStorage.getItem("fairapp.tickets") || "[]");
      const others = (Array.isArray(stored) ? stored : []).filter((item) => item && item.fair_id !== fairId);
      localStorage.setItem("fairapp.tickets", JSON.stringify(others.concat([{fair_id: fairId, secret: secret}])));
    }
  } catch (error) { /* storage unavailable (private mode): the kiosk asks for the phone number */ }

  if (!("serviceWorker" in navigator)) return;

  function assetUrls() {
    const urls = new Set([location.href.split("#")[0]]);
    for (const entry of performance.getEntriesByType("resource")) {
      const url = new URL(entry.name);
      if (url.origin === location.origin) urls.add(url.href);
    }
    for (const node of document.querySelectorAll("link[rel=stylesheet][href], link[rel=manifest][href], link[rel~=icon][href], script[src]")) {
      urls.add(new URL(node.getAttribute("href") || node.getAttribute("src"), location.href).href);
    }
    return Array.from(urls);
  }

  // data-offline-ready="true" once the worker answered that every one of assetUrls() is in its cache.
  let registration = null;
  let storer = null;
  let asked = 0;

  function storeOffline() {
    const worker = registration && registration.active;
    if (!worker || worker === storer) return;
    storer = worker;
    asked += 1;
    ticket.dataset.offlineReady = "false";
    worker.postMessage({type: "store", id: asked, urls: assetUrls()});
  }

  navigator.serviceWorker.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type !== "stored" || data.id !== asked || !Array.isArray(data.missing)) return;
    ticket.dataset.offlineReady = data.missing.length ? "false" : "true";
  });
  // A newer worker took over while the page was open: have it store the page too.
  navigator.serviceWorker.addEventListener("controllerchange", storeOffline);

  navigator.serviceWorker.register(ticket.dataset.serviceWorker, {scope: ticket.dataset.scope})
    .then(() => navigator.serviceWorker.ready)
    // Fonts load lazily, after first paint: wait for them so every file the page used is stored.
    .then((ready) => (document.fonts ? document.fonts.ready : Promise.resolve()).then(() => ready))
    .then((ready) => {
      registration = ready;
      storeOffline();
    })
    .catch(() => { /* no offline copy; the page itself still works */ });
})();
