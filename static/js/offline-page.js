/*
 * OfflinePage: a scanner page that reopens without a network. It registers the scanner's service
 * worker (static/js/scanner-sw.js, scope /scan/) and asks it to store the page and every file it needs:
 * the files its tags name, what it has loaded so far, and what it loads only later (the root's
 * data-offline-assets: the QR decoder's worker, fetched when the camera starts, and the font files).
 *
 *   var offline = OfflinePage.install(root);   root carries data-service-worker and data-scope
 *   offline.storeAgain();                      ask again (when some were missing: next time online)
 *
 * The root's data-offline-ready is "true" once the worker answered that every file is in its cache,
 * "false" while asking or when some are not.
 */
(function () {
  "use strict";

  function assetUrls(root) {
    var urls = new Set([location.href.split("#")[0]]);
    performance.getEntriesByType("resource").forEach(function (entry) {
      var url = new URL(entry.name);
      if (url.origin === location.origin && url.pathname.indexOf("/static/") === 0) { urls.add(url.href); }
    });
    document.querySelectorAll("link[rel=stylesheet][href], link[rel=manifest][href], link[rel~=icon][href], " +
                             "script[src], img[src]")
      .forEach(function (node) {
        var url = new URL(node.getAttribute("href") || node.getAttribute("src"), location.href);
        if (url.origin === location.origin) { urls.add(url.href); }
      });
    (root.dataset.offlineAssets || "").split(/\s+/).filter(Boolean).forEach(function (path) {
      urls.add(new URL(path, location.href).href);
    });
    return Array.from(urls);
  }

  function install(root) {
    var copy = { registration: null, storer: null, asked: 0 };

    function store(again) {
      var worker = copy.registration && copy.registration.active;
      if (!worker || (worker === copy.storer && !again)) { return; }
      copy.storer = worker;
      copy.asked += 1;
      root.setAttribute("data-offline-ready", "false");
      worker.postMessage({ type: "store", id: copy.asked, urls: assetUrls(root) });
    }

    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        var data = event.data || {};
        if (data.type !== "stored" || data.id !== copy.asked || !Array.isArray(data.missing)) { return; }
        root.setAttribute("data-offline-ready", data.missing.length ? "false" : "true");
      });
      // A new worker took over (its cache starts empty): store everything with it.
      navigator.serviceWorker.addEventListener("controllerchange", function () { store(false); });
      navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: root.dataset.scope })
        .then(function () { return navigator.serviceWorker.ready; })
        .then(function (registration) {
          copy.registration = registration;
          store(false);
        })
        .catch(function () { /* no offline page; online scanning still works */ });
    }

    return {
      storeAgain: function () {
        if (root.getAttribute("data-offline-ready") === "false") { store(true); }
      }
    };
  }

  window.OfflinePage = { install: install };
}());
