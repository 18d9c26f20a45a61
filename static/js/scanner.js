/*
 * The gate scanner page (templates/checkins/scanner.html): camera and keyboard-scanner box through
 * QrCamera, a full-screen green / amber / red answer with sound and vibration, and an offline mode.
 *
 * This browser registers itself once as a scanner device (ScannerDevice, static/js/scanner-device.js).
 * The scanner's API requests (check-ins, the offline upload, the fair's scanner data) carry the
 * device's token alone, so they keep working through a day offline whatever becomes of the session;
 * search and manual check-in are page requests (session cookie, X-CSRFToken).
 * Online, every scan goes to POST /api/v1/checkins with a client scan_id, so a retry is the same scan.
 * Offline (navigator.onLine false, or the request fails), the page checks the ticket itself with the
 * fair's scanner data kept in IndexedDB (ScannerStore): the Ed25519 signature (TicketCheck), the fair,
 * the fair's hours, the revocation list and the tickets already admitted; it answers at once, queues
 * the scan and uploads the queue to POST /api/v1/checkins/sync when the network returns (the `online`
 * event, and every SYNC_EVERY_MS). The server decides again; its answer is what counts.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-scanner]");
  if (!root || !window.ScannerStore || !window.ScannerDevice || !window.TicketCheck) { return; }
  var store = window.ScannerStore;
  var check = window.TicketCheck;

  var fairId = Number(root.dataset.fairId);
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var SYNC_EVERY_MS = 15000;
  // Scans per upload (the server takes at most 500 a request); a longer queue goes in several.
  var SYNC_BATCH = 200;
  var REFRESH_EVERY_MS = 60000;
  var SHOW_MS = { ok: 1200, already_checked_in: 2000 };
  var SHOW_DEFAULT_MS = 2500;
  var COLOUR = { ok: "green", already_checked_in: "amber", unchecked: "amber" };
  var MAX_PAYLOAD = 512;

  var el = {
    answer: root.querySelector("[data-answer]"),
    title: root.querySelector("[data-answer-title]"),
    name: root.querySelector("[data-answer-name]"),
    priority: root.querySelector("[data-answer-priority]"),
    detail: root.querySelector("[data-answer-detail]"),
    network: root.querySelector("[data-network]"),
    dataStatus: root.querySelector("[data-data-status]"),
    checked: root.querySelector("[data-count-checked]"),
    registered: root.querySelector("[data-count-registered]"),
    history: root.querySelector("[data-history]"),
    searchForm: root.querySelector("[data-search-form]"),
    searchStatus: root.querySelector("[data-search-status]"),
    searchResults: root.querySelector("[data-search-results]"),
    camera: root.querySelector("[data-qr-camera]"),
    manual: root.querySelector("[data-qr-manual]")
  };

  var local = {
    data: null,           // the fair's scanner data, as downloaded
    key: null,            // its public key, imported for WebCrypto
    people: new Map(),    // registration id -> {name, priority}
    revoked: new Set(),   // "registrationId:nonce"
    admitted: new Set(),  // registration ids known to be in (server's list and this device's)
    queued: 0,
    syncing: null,
    hideTimer: null
  };

  function msg(name) { return root.getAttribute("data-msg-" + name) || ""; }
  function fill(text, name, value) { return text.replace("{" + name + "}", String(value)); }

  // --- Talking to the server ----------------------------------------------------------------------

  var api = window.ScannerDevice.client({
    devicesUrl: root.dataset.devicesUrl, name: "Scanner", csrfToken: csrfToken
  });
  var call = api.call;
  var callAsDevice = api.asDevice;
  var ensureDevice = api.ensureDevice;
  var errorCode = api.errorCode;

  /* A device refused by the server: revoked → stop and wipe; unknown/another account's → register anew. */
  function deviceRefused(answer) {
    var code = errorCode(answer);
    if (code === "device_revoked") {
      show("device_revoked", { detail: msg("device-revoked-detail") });
      store.wipe();
      root.setAttribute("data-device-revoked", "true");
      return true;
    }
    if (code === "device_unknown" || code === "device_not_yours") {
      store.setDevice(null);
      return true;
    }
    return false;
  }

  // --- The fair's scanner data ------------------------------------------------------------------

  function listOf(data, names) {
    for (var i = 0; i < names.length; i++) {
      if (Array.isArray(data[names[i]])) { return data[names[i]]; }
    }
    return [];
  }

  function fairOf(data) { return data.fair || data; }

  function closed(data) {
    var fair = fairOf(data);
    return fair.status === "closed" || fair.status === "cancelled" ||
      (!!fair.ends_at && Date.now() >= Date.parse(fair.ends_at));
  }

  function prepare(data, ownAdmitted) {
    local.data = data;
    local.people = new Map();
    listOf(data, ["registrations"]).forEach(function (person) {
      local.people.set(Number(person.registration_id), {
        name: person.display_name || person.name || "", priority: !!person.priority
      });
    });
    local.revoked = new Set(listOf(data, ["revocations", "revoked"]).map(function (entry) {
      return Number(entry.registration_id) + ":" + entry.nonce;
    }));
    local.admitted = new Set(listOf(data, ["checked_in", "checked_in_ids", "checked_in_registration_ids"])
      .map(Number).concat(ownAdmitted || []));
    counts();
    var keyText = data.public_key && (data.public_key.public_key || data.public_key);
    return check.importKey(keyText).then(function (key) { local.key = key; });
  }

  function counts() {
    if (el.checked) { el.checked.textContent = String(local.admitted.size); }
    if (el.registered) { el.registered.textContent = String(local.people.size); }
  }

  function loadStored() {
    return Promise.all([store.getFair(fairId), store.admittedIds(fairId)]).then(function (found) {
      var entry = found[0];
      if (!entry) { return; }
      if (closed(entry.data)) { return dropClosed(); }
      return prepare(entry.data, found[1]).then(function () {
        root.setAttribute("data-ready", "stored");
      });
    }).catch(function () { /* no IndexedDB: online only */ });
  }

  function refreshData() {
    return callAsDevice("GET", root.dataset.scannerDataUrl).then(function (answer) {
      if (deviceRefused(answer) || answer.status !== 200 || !answer.json) { return; }
      var data = answer.json;
      if (closed(data)) { return dropClosed(); }
      return store.admittedIds(fairId).catch(function () { return []; }).then(function (own) {
        return prepare(data, own);
      }).then(function () {
        return store.putFair(fairId, data);
      }).then(function () {
        root.setAttribute("data-ready", "true");
        if (el.dataStatus) { el.dataStatus.textContent = ""; }
      });
    }, function () { network(); });
  }

  function dropClosed() {
    local.data = null;
    local.key = null;
    local.people = new Map();
    local.admitted = new Set();
    counts();
    root.setAttribute("data-ready", "closed");
    if (el.dataStatus) { el.dataStatus.textContent = msg("closed"); }
    return store.dropFair(fairId).catch(function () {});
  }

  // --- Checking a ticket without the server -----------------------------------------------------

  function openAt(moment) {
    var data = fairOf(local.data);
    if (data.status === "open") { return !data.ends_at || moment < Date.parse(data.ends_at); }
    return data.status === "published" && data.starts_at && moment >= Date.parse(data.starts_at) &&
      (!data.ends_at || moment < Date.parse(data.ends_at));
  }

  /* {result, registrationId?} as the server would answer, from what this device knows. */
  function verifyLocally(text, scannedAt) {
    var ticket = check.parse(text);
    if (!ticket) { return Promise.resolve({ result: "invalid" }); }
    if (!local.data || !local.key) { return Promise.resolve({ result: "unchecked" }); }
    var registrationId = ticket.registrationId;
    return check.genuine(local.key, ticket).then(function (genuine) {
      if (!genuine) { return { result: "invalid" }; }
      if (ticket.fairId !== fairId) { return { result: "wrong_fair" }; }
      if (!openAt(scannedAt)) { return { result: "fair_not_open", registrationId: registrationId }; }
      if (local.revoked.has(registrationId + ":" + ticket.nonce)) {
        return { result: "revoked", registrationId: registrationId };
      }
      if (local.admitted.has(registrationId)) {
        return { result: "already_checked_in", registrationId: registrationId };
      }
      local.admitted.add(registrationId);
      counts();
      return store.admit(fairId, registrationId).catch(function () {}).then(function () {
        return { result: "ok", registrationId: registrationId };
      });
    }, function () { return { result: "unchecked" }; });
  }

  // --- Scans ------------------------------------------------------------------------------------

  function newScanId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function registrationOf(text) {
    var ticket = check.parse(text);
    return ticket ? ticket.registrationId : null;
  }

  function person(registrationId, attendee) {
    var known = registrationId != null ? local.people.get(registrationId) : null;
    var name = attendee && (attendee.display_name || attendee.full_name || attendee.name);
    var priority = attendee && (attendee.priority !== undefined ? attendee.priority : attendee.priority_marker);
    return {
      name: name || (known ? known.name : ""),
      priority: priority !== undefined && priority !== null ? !!priority : !!(known && known.priority)
    };
  }

  function handleScan(text, source) {
    text = String(text).trim();
    if (!text || text.length > MAX_PAYLOAD) { show("invalid", {}); return Promise.resolve(); }
    var scan = { scan_id: newScanId(), fair_id: fairId, qr_payload: text,
                 scanned_at: new Date().toISOString() };
    root.setAttribute("data-last-source", source || "");
    if (!navigator.onLine) { return offlineScan(scan); }
    return callAsDevice("POST", root.dataset.checkinsUrl, scan).then(function (answer) {
      if (deviceRefused(answer)) {
        // Revoked: stop. Unknown or another account's: a new device is registered; the scan waits.
        return root.hasAttribute("data-device-revoked") ? null : offlineScan(scan);
      }
      if (answer.status === 401) { show("error", { detail: msg("signed-out") }); return; }
      if (answer.status >= 500 || !answer.json || !answer.json.result) { return offlineScan(scan); }
      var result = answer.json.result;
      var attendee = answer.json.attendee || null;
      var registrationId = (attendee && attendee.registration_id) || registrationOf(text);
      if ((result === "ok" || result === "already_checked_in") && registrationId) {
        local.admitted.add(registrationId);
        counts();
      }
      show(result, { person: person(registrationId, attendee), at: answer.json.checked_in_at });
    }, function () {
      network();
      return offlineScan(scan);
    });
  }

  function offlineScan(scan) {
    return verifyLocally(scan.qr_payload, Date.parse(scan.scanned_at)).then(function (verdict) {
      return store.enqueue(scan).catch(function () {}).then(function () {
        local.queued += 1;
        network();
        var detail = verdict.result === "unchecked" ? msg("unchecked-detail") : msg("offline-detail");
        show(verdict.result, { person: person(verdict.registrationId, null), detail: detail, offline: true });
      });
    });
  }

  // --- Upload of the offline queue --------------------------------------------------------------

  function sync() {
    if (local.syncing) { return local.syncing; }
    local.syncing = store.queued().catch(function () { return []; }).then(function (scans) {
      local.queued = scans.length;
      network();
      if (!scans.length || !navigator.onLine) { return; }
      return ensureDevice().then(function (deviceId) {
        if (!deviceId) { return; }
        var left = scans.slice();
        function upload() {
          var batch = left.splice(0, SYNC_BATCH).map(function (scan) {
            return { scan_id: scan.scan_id, fair_id: scan.fair_id, qr_payload: scan.qr_payload,
                     scanned_at: scan.scanned_at };
          });
          return call("POST", root.dataset.syncUrl, {
            device_id: deviceId, sent_at: new Date().toISOString(), scans: batch
          }, true).then(function (answer) {
            if (deviceRefused(answer) || answer.status !== 200 || !answer.json) { return false; }
            var done = (answer.json.results || []).map(function (item) { return item.scan_id; });
            return store.dequeue(done).then(function () {
              local.queued = Math.max(0, local.queued - done.length);
              root.setAttribute("data-synced", String(Number(root.getAttribute("data-synced") || 0) + done.length));
              return true;
            });
          }, function () { return false; /* still unreachable: the next attempt will tell */ });
        }
        function next(uploaded) {
          if (!uploaded) { return; }
          return left.length ? upload().then(next) : refreshData();
        }
        return upload().then(next);
      });
    }).then(function () {
      local.syncing = null;
      network();
    }, function () {
      local.syncing = null;
    });
    return local.syncing;
  }

  function network() {
    if (!el.network) { return; }
    var offline = !navigator.onLine || !api.reachable();
    var text = "";
    if (offline) {
      text = local.queued ? fill(msg("offline-queue"), "n", local.queued) : msg("offline");
    } else if (local.queued) {
      text = fill(msg("sending-queue"), "n", local.queued);
    }
    el.network.textContent = text;
    el.network.hidden = !text;
    el.network.classList.toggle("alert-warning", offline);
    root.setAttribute("data-online", offline ? "false" : "true");
    root.setAttribute("data-queued", String(local.queued));
  }

  // --- The answer: colour, words, sound, vibration -------------------------------------------------

  function timeOf(iso) {
    if (!iso) { return ""; }
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) { return ""; }
    return moment.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function show(result, info) {
    info = info || {};
    var colour = COLOUR[result] || "red";
    var who = info.person || { name: "", priority: false };
    var detail = info.detail || "";
    if (result === "already_checked_in" && info.at) {
      detail = fill(msg("already-at"), "time", timeOf(info.at)) + (detail ? " · " + detail : "");
    }
    if (!who.name && result === "ok" && info.offline) { who.name = msg("unknown-person"); }
    el.answer.className = "scan-answer scan-answer--" + colour;
    el.answer.setAttribute("data-result", result);
    el.answer.setAttribute("data-colour", colour);
    el.title.textContent = msg(result) || msg("error");
    el.name.textContent = who.name || "";
    el.priority.hidden = !who.priority;
    el.detail.textContent = detail;
    el.answer.hidden = false;
    if (window.ScanFeedback) { window.ScanFeedback.signal(colour); }
    remember(result, colour, who);
    window.clearTimeout(local.hideTimer);
    local.hideTimer = window.setTimeout(hide, SHOW_MS[result] || SHOW_DEFAULT_MS);
  }

  function hide() {
    el.answer.hidden = true;
  }
  el.answer.addEventListener("click", hide);

  function remember(result, colour, who) {
    if (!el.history) { return; }
    var item = document.createElement("li");
    item.className = "scanner-history__item scanner-history__item--" + colour;
    item.setAttribute("data-result", result);
    var time = document.createElement("span");
    time.className = "scanner-history__time";
    time.textContent = timeOf(new Date().toISOString());
    var text = document.createElement("span");
    text.textContent = " " + (msg(result) || msg("error")) + (who.name ? " — " + who.name : "");
    item.appendChild(time);
    item.appendChild(text);
    if (who.priority) {
      var badge = document.createElement("span");
      badge.className = "badge scanner-priority ms-1";
      badge.textContent = msg("priority");
      item.appendChild(badge);
    }
    el.history.insertBefore(item, el.history.firstChild);
    while (el.history.children.length > 20) { el.history.removeChild(el.history.lastChild); }
  }

  // --- Search and manual check-in (online only) ---------------------------------------------------

  function searchStatus(text) { if (el.searchStatus) { el.searchStatus.textContent = text; } }

  function admitManually(registrationId, button) {
    button.disabled = true;
    return call("POST", root.dataset.manualUrl, { registration_id: registrationId }).then(function (answer) {
      if (!answer.json || !answer.json.result) {
        searchStatus(answer.json && answer.json.error ? answer.json.error.message : msg("signed-out"));
        button.disabled = false;
        return;
      }
      var json = answer.json;
      if (json.result === "ok" || json.result === "already_checked_in") {
        local.admitted.add(registrationId);
        counts();
        button.textContent = msg("arrived");
      } else {
        button.disabled = false;
      }
      show(json.result, { person: { name: json.name, priority: json.priority }, at: json.checked_in_at });
    }, function () {
      network();
      searchStatus(msg("search-offline"));
      button.disabled = false;
    });
  }

  function renderResults(items) {
    el.searchResults.textContent = "";
    items.forEach(function (item) {
      var row = document.createElement("li");
      row.className = "list-group-item d-flex align-items-center gap-2";
      row.setAttribute("data-registration-id", String(item.registration_id));
      var name = document.createElement("span");
      name.className = "flex-grow-1";
      name.textContent = item.name;
      row.appendChild(name);
      if (item.priority) {
        var badge = document.createElement("span");
        badge.className = "badge scanner-priority";
        badge.textContent = msg("priority");
        row.appendChild(badge);
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm " + (item.checked_in ? "btn-outline-secondary" : "btn-success");
      button.textContent = item.checked_in ? msg("arrived") : msg("admit");
      button.addEventListener("click", function () { admitManually(item.registration_id, button); });
      row.appendChild(button);
      el.searchResults.appendChild(row);
    });
  }

  if (el.searchForm) {
    el.searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = el.searchForm.elements.namedItem("q").value.trim();
      el.searchResults.textContent = "";
      if (query.length < 2) { searchStatus(msg("search-short")); return; }
      if (!navigator.onLine) { searchStatus(msg("search-offline")); return; }
      searchStatus("");
      var url = root.dataset.searchUrl + "?q=" + encodeURIComponent(query);
      call("GET", url).then(function (answer) {
        if (answer.status !== 200 || !answer.json) {
          searchStatus(answer.json && answer.json.error ? answer.json.error.message : msg("signed-out"));
          return;
        }
        var items = answer.json.items || [];
        searchStatus(items.length ? "" : msg("search-none"));
        renderResults(items);
      }, function () { network(); searchStatus(msg("search-offline")); });
    });
  }

  // --- Start ---------------------------------------------------------------------------------------

  store.beforeWipe = function () {
    return sync().then(function () { return store.queued(); }).then(function (left) {
      return left.length ? left.length : 0;
    });
  };

  var offlinePage = window.OfflinePage ? window.OfflinePage.install(root) : null;
  var camera = window.QrCamera ? window.QrCamera.attach(el.camera, { onDecode: handleScan }) : null;
  root.scanner = { camera: camera, scan: handleScan, sync: sync };
  if (el.manual && window.matchMedia && window.matchMedia("(pointer: fine)").matches) { el.manual.focus(); }

  window.addEventListener("online", function () { api.setReachable(true); network(); sync(); });
  window.addEventListener("offline", network);
  window.setInterval(function () { if (navigator.onLine) { sync(); } }, SYNC_EVERY_MS);
  window.setInterval(function () {
    if (!navigator.onLine) { return; }
    if (!local.queued) { refreshData(); }
    if (offlinePage) { offlinePage.storeAgain(); }
  }, REFRESH_EVERY_MS);

  loadStored().then(function () {
    network();
    if (!navigator.onLine) { return; }
    return ensureDevice().then(refreshData).then(sync);
  });
}());
