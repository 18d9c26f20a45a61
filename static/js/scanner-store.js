/*
 * ScannerStore: what the scanner pages keep on the phone, in IndexedDB ("fairapp-scanner").
 * The gate scanner's:
 *   fairs     { fair_id, data, stored_at }      the fair's scanner data (public key, revocations,
 *                                               registration ids with display names, checked-in ids)
 *   admitted  { fair_id, registration_id, at }  tickets this device admitted while offline
 *   queue     { scan_id, fair_id, qr_payload, scanned_at }  scans not yet accepted by the server
 * The booth scanner's (version 2), apart so that the two queues never mix (ScannerStore.booths):
 *   booths       { booth_id, data, stored_at }  the booth's data (public key, revocations, the booth,
 *                                               its vacancies or programmes; no person)
 *   booth_queue  { scan_id, booth_id, item }    records made offline, not yet accepted by the server
 *
 * In localStorage: this browser's scanner device, its id and its token (the credential the scanner's
 * API requests carry, given once when the device is registered).
 *
 * ScannerStore.wipe() deletes all of it, the scanner's offline page cache and the device. It runs
 * when the person signs out (the navbar's sign-out form, hooked here), when the sign-in page loads
 * (this script included with data-wipe-on-load) and for a fair's names when the fair has closed.
 */
(function () {
  "use strict";

  var DB_NAME = "fairapp-scanner";
  var DB_VERSION = 2;
  var CACHE_PREFIX = "fairapp-scanner-";
  var DEVICE_KEY = "fairapp.scanner.device";
  var connection = null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (connection) { return connection; }
    if (!window.indexedDB) { return Promise.reject(new Error("no IndexedDB")); }
    connection = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function (event) {
        var db = request.result;
        if (event.oldVersion < 1) {
          db.createObjectStore("fairs", { keyPath: "fair_id" });
          var admitted = db.createObjectStore("admitted", { keyPath: ["fair_id", "registration_id"] });
          admitted.createIndex("fair_id", "fair_id");
          var queue = db.createObjectStore("queue", { keyPath: "scan_id" });
          queue.createIndex("fair_id", "fair_id");
        }
        if (event.oldVersion < 2) {
          db.createObjectStore("booths", { keyPath: "booth_id" });
          var boothQueue = db.createObjectStore("booth_queue", { keyPath: "scan_id" });
          boothQueue.createIndex("booth_id", "booth_id");
        }
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); connection = null; };
        resolve(db);
      };
      request.onerror = function () { connection = null; reject(request.error); };
    });
    return connection;
  }

  function run(storeNames, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeNames, mode);
        var result;
        Promise.resolve(work(tx)).then(function (value) { result = value; });
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function all(source, query) {
    return promised(source.getAll(query));
  }

  var ScannerStore = {
    getFair: function (fairId) {
      return run(["fairs"], "readonly", function (tx) {
        return promised(tx.objectStore("fairs").get(fairId));
      });
    },

    putFair: function (fairId, data) {
      return run(["fairs"], "readwrite", function (tx) {
        tx.objectStore("fairs").put({ fair_id: fairId, data: data, stored_at: new Date().toISOString() });
      });
    },

    /* The fair's names and admitted set; its unsent scans stay until the server has them. */
    dropFair: function (fairId) {
      return run(["fairs", "admitted"], "readwrite", function (tx) {
        tx.objectStore("fairs").delete(fairId);
        var admitted = tx.objectStore("admitted");
        return all(admitted.index("fair_id"), fairId).then(function (rows) {
          rows.forEach(function (row) { admitted.delete([row.fair_id, row.registration_id]); });
        });
      });
    },

    admit: function (fairId, registrationId) {
      return run(["admitted"], "readwrite", function (tx) {
        tx.objectStore("admitted").put({ fair_id: fairId, registration_id: registrationId,
                                         at: new Date().toISOString() });
      });
    },

    admittedIds: function (fairId) {
      return run(["admitted"], "readonly", function (tx) {
        return all(tx.objectStore("admitted").index("fair_id"), fairId).then(function (rows) {
          return rows.map(function (row) { return row.registration_id; });
        });
      });
    },

    enqueue: function (scan) {
      return run(["queue"], "readwrite", function (tx) { tx.objectStore("queue").put(scan); });
    },

    queued: function () {
      return run(["queue"], "readonly", function (tx) { return all(tx.objectStore("queue")); });
    },

    dequeue: function (scanIds) {
      return run(["queue"], "readwrite", function (tx) {
        var queue = tx.objectStore("queue");
        scanIds.forEach(function (id) { queue.delete(id); });
      });
    },

    /* The booth scanner's data and offline queue, one booth at a time. */
    booths: {
      getData: function (boothId) {
        return run(["booths"], "readonly", function (tx) {
          return promised(tx.objectStore("booths").get(boothId));
        });
      },

      putData: function (boothId, data) {
        return run(["booths"], "readwrite", function (tx) {
          tx.objectStore("booths").put({ booth_id: boothId, data: data, stored_at: new Date().toISOString() });
        });
      },

      enqueue: function (boothId, item) {
        return run(["booth_queue"], "readwrite", function (tx) {
          tx.objectStore("booth_queue").put({ scan_id: item.scan_id, booth_id: boothId, item: item });
        });
      },

      /* The booth's records not yet accepted, oldest first: [{scan_id, booth_id, item}]. */
      queued: function (boothId) {
        return run(["booth_queue"], "readonly", function (tx) {
          return all(tx.objectStore("booth_queue").index("booth_id"), boothId).then(function (rows) {
            return rows.sort(function (a, b) {
              return String(a.item.recorded_at).localeCompare(String(b.item.recorded_at));
            });
          });
        });
      },

      dequeue: function (scanIds) {
        return run(["booth_queue"], "readwrite", function (tx) {
          var queue = tx.objectStore("booth_queue");
          scanIds.forEach(function (id) { queue.delete(id); });
        });
      }
    },

    deviceId: function () {
      try { return localStorage.getItem(DEVICE_KEY); } catch (error) { return null; }
    },

    deviceToken: function () {
      try { return localStorage.getItem(DEVICE_KEY + ".token"); } catch (error) { return null; }
    },

    /* setDevice(id, token) keeps this browser's device; setDevice(null) forgets it. */
    setDevice: function (id, token) {
      try {
        if (id && token) {
          localStorage.setItem(DEVICE_KEY, id);
          localStorage.setItem(DEVICE_KEY + ".token", token);
        } else {
          localStorage.removeItem(DEVICE_KEY);
          localStorage.removeItem(DEVICE_KEY + ".token");
        }
      } catch (error) { /* private mode: the device registers again next time */ }
    },

    cachePrefix: CACHE_PREFIX,

    /* Everything the scanner kept on this phone: database, offline page cache, device id. */
    wipe: function () {
      ScannerStore.setDevice(null);
      var closing = connection ? connection.then(function (db) { db.close(); }, function () {}) : Promise.resolve();
      connection = null;
      var database = closing.then(function () {
        return new Promise(function (resolve) {
          if (!window.indexedDB) { resolve(); return; }
          var request = indexedDB.deleteDatabase(DB_NAME);
          request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        });
      });
      var cached = window.caches ? caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) { return name.indexOf(CACHE_PREFIX) === 0; })
          .map(function (name) { return caches.delete(name); }));
      }).catch(function () {}) : Promise.resolve();
      return Promise.all([database, cached]).then(function () {
        document.documentElement.setAttribute("data-scanner-wiped", "true");
      });
    }
  };

  // Signing out wipes first, then lets the form go (at most 1.5 s later, whatever happens).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.classList || !form.classList.contains("navbar-logout") || form.dataset.wiped) {
      return;
    }
    event.preventDefault();
    var go = function () {
      if (form.dataset.wiped) { return; }
      form.dataset.wiped = "true";
      form.submit();
    };
    // The scanner page first uploads what it can; unsent scans are only lost if the person agrees.
    var before = ScannerStore.beforeWipe ? Promise.race([
      Promise.resolve(ScannerStore.beforeWipe()).catch(function () { return 0; }),
      new Promise(function (resolve) { window.setTimeout(function () { resolve(0); }, 4000); })
    ]) : Promise.resolve(0);
    before.then(function (unsent) {
      var page = document.querySelector("[data-scanner], [data-booth-scanner]");
      var question = page ? (page.getAttribute("data-msg-unsent") || "") : "";
      if (unsent && question && !window.confirm(question.replace("{n}", String(unsent)))) { return; }
      // The server ends this browser's device with the session: its token is refused from then on.
      var device = ScannerStore.deviceId();
      if (device && !form.querySelector("input[name=device_id]")) {
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = "device_id";
        field.value = device;
        form.appendChild(field);
      }
      window.setTimeout(go, 1500);
      ScannerStore.wipe().then(go, go);
    });
  }, true);

  var script = document.currentScript;
  if (script && script.getAttribute("data-wipe-on-load") === "true") {
    ScannerStore.wipe();
  }

  window.ScannerStore = ScannerStore;
}());
