/*
 * The booth scanner page (templates/interviews/booth.html): an employer or a school scans a job seeker's
 * ticket at its booth, sees the candidate card and records the interview or counselling in a few taps.
 *
 * Online, a scan goes to POST /api/v1/fairs/{id}/booth-scans: the card as the booth may see it (the
 * full profile only with the person's consent, else the initial and the ticket number, with a consent
 * QR the person scans on their own phone), the booth's existing record (the form starts from it, so a
 * later visit updates it) and who referred the person here. "Lưu" sends POST …/interviews with a fresh
 * client scan_id, so a retry is the same entry; the server's field errors show next to their fields.
 *
 * Offline (navigator.onLine false, or the request fails), the page checks the ticket itself with the
 * booth data kept in IndexedDB (TicketCheck: the Ed25519 signature, the fair, the revocation list), shows
 * the ticket number only (no card without the server), records as usual into the booth's own queue
 * (ScannerStore.booths, apart from the gate's) and uploads it to POST …/interviews/sync when the network
 * returns. Every API request goes with this browser's scanner device token (ScannerDevice), as the gate
 * scanner's do.
 *
 * For tests: the root's data-ready ("stored", "true"), data-online, data-queued, data-synced; the
 * candidate's data-result (ok, offline, unchecked, invalid, wrong_fair, revoked, error); the form's
 * data-saved (online, queued, error).
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-booth-scanner]");
  if (!root || !window.ScannerStore || !window.ScannerDevice || !window.TicketCheck) { return; }
  var store = window.ScannerStore;
  var queueStore = store.booths;
  var check = window.TicketCheck;

  var boothId = Number(root.dataset.boothId);
  var fairId = Number(root.dataset.fairId);
  var holderField = root.dataset.holderField;
  var holderId = Number(root.dataset.holderId);
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var SYNC_EVERY_MS = 15000;
  var REFRESH_EVERY_MS = 60000;
  var MAX_PAYLOAD = 512;
  var MAX_SYNC_ITEMS = 200;
  var TICKET_REFUSALS = { invalid: true, wrong_fair: true, revoked: true };

  function part(name) { return root.querySelector("[data-" + name + "]"); }

  var el = {
    network: part("network"),
    camera: part("qr-camera"),
    manual: part("qr-manual"),
    candidate: part("candidate"),
    refused: part("refused"),
    refusedTitle: part("refused-title"),
    refusedDetail: part("refused-detail"),
    card: part("card"),
    cardName: part("card-name"),
    cardTicket: part("card-ticket"),
    cardNote: part("card-note"),
    cardFields: part("card-fields"),
    notCheckedIn: part("not-checked-in"),
    consent: part("consent"),
    askConsent: part("ask-consent"),
    consentPanel: part("consent-panel"),
    consentQr: part("consent-qr"),
    reloadCard: part("reload-card"),
    referredBox: part("referred-by-box"),
    referredBy: part("referred-by"),
    existing: part("existing"),
    form: part("record-form"),
    details: part("details"),
    formError: part("form-error"),
    save: part("save"),
    saveStatus: part("save-status"),
    refer: part("refer"),
    referForm: part("refer-form"),
    referStatus: part("refer-status"),
    next: part("next"),
    history: part("history")
  };

  var local = {
    key: null,            // the signing key, imported for WebCrypto
    revoked: new Set(),   // "registrationId:nonce"
    current: null,        // the person on screen: {text, registrationId, ticketNumber, name, offline, consentQr}
    outcome: null,
    rating: null,
    saving: false,
    queued: 0,
    syncing: null,
    source: ""
  };

  function msg(name) { return root.getAttribute("data-msg-" + name) || ""; }
  function fill(text, name, value) { return text.replace("{" + name + "}", String(value)); }
  function show(node, visible) { if (node) { node.hidden = !visible; } }
  function signal(colour) { if (window.ScanFeedback) { window.ScanFeedback.signal(colour); } }

  function withHolder(body) {
    body[holderField] = holderId;  // staff name the booth; an employer's or school's own id is accepted
    return body;
  }

  function newScanId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // --- Talking to the server ----------------------------------------------------------------------

  var api = window.ScannerDevice.client({
    devicesUrl: root.dataset.devicesUrl, name: "Booth",
    csrfToken: csrfMeta ? csrfMeta.getAttribute("content") : ""
  });

  /* Revoked → stop and wipe; unknown or another account's → forget it (registered anew next time). */
  function deviceRefused(answer) {
    var code = api.errorCode(answer);
    if (code === "device_revoked") {
      root.setAttribute("data-device-revoked", "true");
      el.network.textContent = msg("device-revoked");
      el.network.hidden = false;
      store.wipe();
      return true;
    }
    if (code === "device_unknown" || code === "device_not_yours") {
      store.setDevice(null);
      return true;
    }
    return false;
  }

  function network() {
    var offline = !navigator.onLine || !api.reachable();
    var text = "";
    if (root.hasAttribute("data-device-revoked")) {
      text = msg("device-revoked");
    } else if (offline) {
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

  // --- The booth's data: to check tickets offline -------------------------------------------------

  function prepare(data) {
    local.revoked = new Set((data.revocations || []).map(function (entry) {
      return Number(entry.registration_id) + ":" + entry.nonce;
    }));
    var keyText = data.public_key && (data.public_key.public_key || data.public_key);
    return check.importKey(keyText).then(function (key) { local.key = key; });
  }

  function loadStored() {
    return queueStore.getData(boothId).then(function (entry) {
      if (!entry) { return; }
      return prepare(entry.data).then(function () { root.setAttribute("data-ready", "stored"); });
    }).catch(function () { /* no IndexedDB: online only */ });
  }

  function refreshData() {
    return api.asDevice("GET", root.dataset.boothDataUrl).then(function (answer) {
      if (deviceRefused(answer) || answer.status !== 200 || !answer.json) { return; }
      var data = answer.json;
      return prepare(data).then(function () {
        return queueStore.putData(boothId, data).catch(function () {});
      }).then(function () {
        root.setAttribute("data-ready", "true");
      });
    }, function () { network(); });
  }

  // --- A scan -------------------------------------------------------------------------------------

  function handleScan(text, source) {
    text = String(text).trim();
    if (!text) { return Promise.resolve(); }
    // The same ticket still in front of the lens, or scanned twice: the person is already on screen.
    if (local.current && local.current.text === text && !el.candidate.hidden) { return Promise.resolve(); }
    local.source = source || "";
    root.setAttribute("data-last-source", local.source);
    if (camera && camera.active) { camera.stop(); }  // the recruiter turns to the person
    if (text.length > MAX_PAYLOAD) { refuse("invalid"); return Promise.resolve(); }
    if (!navigator.onLine) { return offlineScan(text); }
    return lookUp(text, false);
  }

  /* The card from the server; `keepForm` when reloading the card of the person on screen. */
  function lookUp(text, keepForm) {
    var body = withHolder({ qr_payload: text });
    return api.asDevice("POST", root.dataset.boothScansUrl, body).then(function (answer) {
      if (deviceRefused(answer)) {
        return root.hasAttribute("data-device-revoked") ? null : offlineScan(text);
      }
      if (answer.status === 401) { refuse("error", msg("signed-out")); return; }
      if (answer.status >= 500 || !answer.json) { return offlineScan(text); }
      if (answer.status === 200) { showCard(text, answer.json, keepForm); return; }
      var error = answer.json.error || {};
      if (TICKET_REFUSALS[error.code]) { refuse(error.code); return; }
      refuse("error", error.message || msg("error"));
    }, function () {
      network();
      return offlineScan(text);
    });
  }

  function offlineScan(text) {
    var ticket = check.parse(text);
    if (!ticket) { refuse("invalid"); return Promise.resolve(); }
    if (!local.key) { showOffline(text, ticket, true); return Promise.resolve(); }
    return check.genuine(local.key, ticket).then(function (genuine) {
      if (!genuine) { refuse("invalid"); return; }
      if (ticket.fairId !== fairId) { refuse("wrong_fair"); return; }
      if (local.revoked.has(ticket.registrationId + ":" + ticket.nonce)) { refuse("revoked"); return; }
      showOffline(text, ticket, false);
    }, function () { showOffline(text, ticket, true); });
  }

  // --- What is shown about the person ---------------------------------------------------------------

  function startCandidate(result) {
    el.candidate.hidden = false;
    el.candidate.setAttribute("data-result", result);
    show(el.next, true);
  }

  function refuse(code, detail) {
    local.current = null;
    startCandidate(code);
    el.refusedTitle.textContent = msg(code) || msg("error");
    el.refusedDetail.textContent = detail || "";
    show(el.refused, true);
    show(el.card, false);
    show(el.form, false);
    show(el.refer, false);
    signal("red");
    el.candidate.scrollIntoView({ block: "start" });
  }

  function showPerson(result, current) {
    local.current = current;
    startCandidate(result);
    show(el.refused, false);
    show(el.card, true);
    show(el.form, true);
    show(el.refer, true);
    el.cardName.textContent = current.name;
    el.cardTicket.textContent = fill(msg("ticket"), "number", current.ticketNumber);
    el.card.setAttribute("data-registration-id", String(current.registrationId));
  }

  function showOffline(text, ticket, unchecked) {
    var number = check.ticketNumber(ticket.registrationId);
    showPerson(unchecked ? "unchecked" : "offline", {
      text: text, registrationId: ticket.registrationId, ticketNumber: number,
      name: fill(msg("ticket"), "number", number), offline: true
    });
    el.cardTicket.textContent = "";
    el.cardNote.textContent = unchecked ? msg("unchecked") : msg("offline-card");
    show(el.cardNote, true);
    show(el.notCheckedIn, false);
    show(el.cardFields, false);
    show(el.consent, false);
    show(el.referredBox, false);
    show(el.existing, false);
    el.card.setAttribute("data-shared", "false");
    resetForm();
    signal("amber");
    el.candidate.scrollIntoView({ block: "start" });
  }

  function showCard(text, answer, keepForm) {
    var card = answer.candidate || {};
    showPerson("ok", {
      text: text, registrationId: card.registration_id, ticketNumber: card.ticket_number,
      name: card.name || "", offline: false, consentQr: answer.consent_qr || null
    });
    show(el.cardNote, false);
    el.card.setAttribute("data-shared", card.shared ? "true" : "false");
    el.card.setAttribute("data-checked-in", card.checked_in ? "true" : "false");
    show(el.notCheckedIn, !card.checked_in);
    fillFields(card);
    show(el.consent, !card.shared && !!answer.consent_qr);
    if (answer.consent_qr) { el.consentQr.src = answer.consent_qr; }
    if (!keepForm) {
      show(el.consentPanel, false);
      el.askConsent.setAttribute("aria-expanded", "false");
    }
    referredBy(answer.referred_by || []);
    var own = answer.interview;
    show(el.existing, !!own);
    if (own) { el.existing.textContent = fill(msg("existing"), "outcome", outcomeLabel(own.outcome)); }
    if (!keepForm) {
      resetForm();
      if (own) { prefill(own); }
      signal("green");
      el.candidate.scrollIntoView({ block: "start" });
    }
  }

  function fillFields(card) {
    var values = {
      age: card.age !== null && card.age !== undefined ? fill(msg("age"), "age", card.age) : "",
      gender: card.gender_label || "",
      ward: card.ward || "",
      education: card.education_label || "",
      qualification: card.qualification_label || "",
      desired_jobs: card.desired_jobs || "",
      wants_training: card.wants_training === null || card.wants_training === undefined ? ""
        : (card.wants_training ? msg("yes") : msg("no")) + (card.training_wish ? " — " + card.training_wish : "")
    };
    Object.keys(values).forEach(function (name) {
      el.cardFields.querySelector('[data-field="' + name + '"]').textContent = values[name];
      show(el.cardFields.querySelector('[data-row="' + name + '"]'), !!values[name]);
    });
    show(el.cardFields, !!card.shared);
  }

  function referredBy(items) {
    el.referredBy.textContent = "";
    items.forEach(function (item) {
      var row = document.createElement("li");
      row.textContent = (item.label ? item.label + " · " : "") + item.name + (item.note ? ": " + item.note : "");
      el.referredBy.appendChild(row);
    });
    show(el.referredBox, items.length > 0);
  }

  el.askConsent.addEventListener("click", function () {
    var open = el.consentPanel.hidden;
    show(el.consentPanel, open);
    el.askConsent.setAttribute("aria-expanded", open ? "true" : "false");
  });

  el.reloadCard.addEventListener("click", function () {
    if (local.current && !local.current.offline) { lookUp(local.current.text, true); }
  });

  el.next.addEventListener("click", function () {
    local.current = null;
    el.candidate.hidden = true;
    el.candidate.removeAttribute("data-result");
    if (camera && local.source !== "keyboard") {
      camera.start();
    } else if (el.manual) {
      el.manual.focus();
    }
    el.camera.scrollIntoView({ block: "start" });
  });

  // --- The record ---------------------------------------------------------------------------------

  var outcomeButtons = Array.prototype.slice.call(el.form.querySelectorAll("[data-outcome]"));
  var starButtons = Array.prototype.slice.call(el.form.querySelectorAll("[data-star]"));
  var fields = el.form.elements;

  function outcomeLabel(value) {
    var button = el.form.querySelector('[data-outcome="' + value + '"]');
    return button ? button.textContent.trim() : value;
  }

  function pickOutcome(value) {
    local.outcome = value;
    outcomeButtons.forEach(function (button) {
      var on = button.getAttribute("data-outcome") === value;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.classList.toggle("btn-primary", on);
      button.classList.toggle("btn-outline-primary", !on);
    });
  }

  function pickRating(value) {
    local.rating = value;
    starButtons.forEach(function (button) {
      var n = Number(button.getAttribute("data-star"));
      button.setAttribute("aria-pressed", n === value ? "true" : "false");
      button.classList.toggle("is-on", value !== null && n <= value);
    });
    el.form.setAttribute("data-rating", value === null ? "" : String(value));
  }

  outcomeButtons.forEach(function (button) {
    button.addEventListener("click", function () { pickOutcome(button.getAttribute("data-outcome")); });
  });
  starButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      var n = Number(button.getAttribute("data-star"));
      pickRating(local.rating === n ? null : n);  // the same star again clears the rating
    });
  });

  function field(name) { return fields.namedItem(name); }

  function setValue(name, value) {
    var input = field(name);
    if (input && !input.hasAttribute("data-single")) { input.value = value === null || value === undefined ? "" : String(value); }
  }

  function resetForm() {
    pickOutcome(null);
    pickRating(null);
    clearErrors();
    ["vacancy_id", "notes", "tags", "next_step_at", "next_step_place", "intake_date"].forEach(function (name) {
      setValue(name, "");
    });
    var programme = field("programme_id");
    if (programme && programme.options.length > 1) { programme.value = ""; }
    if (el.details) { el.details.open = false; }
    el.saveStatus.textContent = "";
    el.form.removeAttribute("data-saved");
    el.form.removeAttribute("data-interview-id");
    if (el.referForm) {
      el.referForm.reset();
      el.referStatus.textContent = "";
      el.refer.open = false;
    }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function localDateTime(iso) {
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) { return ""; }
    return moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()) +
      "T" + pad(moment.getHours()) + ":" + pad(moment.getMinutes());
  }

  /* The form starts from the booth's record, so that saving again updates it without losing anything. */
  function prefill(record) {
    pickOutcome(record.outcome);
    pickRating(record.rating || null);
    if (record.vacancy_id) { setValue("vacancy_id", record.vacancy_id); }
    if (record.programme_id) { setValue("programme_id", record.programme_id); }
    setValue("notes", record.notes);
    setValue("tags", (record.tags || []).join(", "));
    setValue("next_step_at", record.next_step_at ? localDateTime(record.next_step_at) : "");
    setValue("next_step_place", record.next_step_place);
    setValue("intake_date", record.intake_date);
    el.form.setAttribute("data-interview-id", String(record.id));
  }

  function optionalNumber(name) {
    var input = field(name);
    return input && input.value ? Number(input.value) : null;
  }

  function optionalText(name) {
    var input = field(name);
    var value = input ? input.value.trim() : "";
    return value || null;
  }

  function recording() {
    var item = withHolder({
      scan_id: newScanId(),
      qr_payload: local.current.text,
      outcome: local.outcome,
      recorded_at: new Date().toISOString()
    });
    var optional = {
      vacancy_id: optionalNumber("vacancy_id"),
      programme_id: optionalNumber("programme_id"),
      rating: local.rating,
      notes: optionalText("notes"),
      next_step_place: optionalText("next_step_place"),
      intake_date: optionalText("intake_date")
    };
    var nextAt = optionalText("next_step_at");
    if (nextAt && !isNaN(new Date(nextAt).getTime())) { optional.next_step_at = new Date(nextAt).toISOString(); }
    // A field left out keeps what the booth's record holds (an offline phone does not know it); with
    // the record shown in the form (loaded from the server), an emptied field is sent as null: cleared.
    var known = el.form.hasAttribute("data-interview-id");
    Object.keys(optional).forEach(function (name) {
      if (optional[name] !== null && optional[name] !== undefined) { item[name] = optional[name]; }
      else if (known) { item[name] = null; }
    });
    var tags = optionalText("tags");
    if (tags || known) {
      item.tags = tags ? tags.split(",").map(function (tag) { return tag.trim(); }).filter(Boolean) : [];
    }
    return item;
  }

  function clearErrors() {
    Array.prototype.forEach.call(root.querySelectorAll("[data-error-for]"), function (node) {
      node.textContent = "";
    });
    Array.prototype.forEach.call(root.querySelectorAll(".is-invalid"), function (node) {
      node.classList.remove("is-invalid");
    });
    el.formError.textContent = "";
    el.formError.hidden = true;
  }

  /* The server's refusal: each field's message next to its field, the rest above the button. */
  function showErrors(form, error, general) {
    var fieldsFound = (error && error.fields) || {};
    var left = [];
    Object.keys(fieldsFound).forEach(function (name) {
      var spot = form.querySelector('[data-error-for="' + name + '"]');
      if (!spot) { left.push(fieldsFound[name]); return; }
      spot.textContent = fieldsFound[name];
      var input = form.elements.namedItem(name);
      if (input && input.classList) { input.classList.add("is-invalid"); }
      var details = spot.closest("details");
      if (details) { details.open = true; }
    });
    if (!Object.keys(fieldsFound).length && error && error.message) { left.push(error.message); }
    if (left.length) { general(left.join(" ")); }
  }

  function formError(text) {
    el.formError.textContent = text;
    el.formError.hidden = false;
  }

  function saved(item, answer, created) {
    el.form.setAttribute("data-saved", "online");
    el.form.setAttribute("data-interview-id", String(answer.id));
    el.saveStatus.textContent = created ? msg("saved") : msg("updated");
    show(el.existing, true);
    el.existing.textContent = fill(msg("existing"), "outcome", outcomeLabel(answer.outcome));
    remember(item, "saved");
    signal("green");
  }

  function enqueue(item) {
    return queueStore.enqueue(boothId, item).then(function () {
      local.queued += 1;
      network();
      el.form.setAttribute("data-saved", "queued");
      el.saveStatus.textContent = msg("queued");
      remember(item, "queued");
      signal("amber");
    }, function () {
      el.form.setAttribute("data-saved", "error");
      formError(msg("error"));
    });
  }

  function send(item) {
    var body = {};
    Object.keys(item).forEach(function (name) { if (name !== "recorded_at") { body[name] = item[name]; } });
    return api.asDevice("POST", root.dataset.interviewsUrl, body).then(function (answer) {
      if (deviceRefused(answer)) {
        return root.hasAttribute("data-device-revoked") ? null : enqueue(item);
      }
      if (answer.status === 401) { formError(msg("signed-out")); return; }
      if (answer.status >= 500 || !answer.json) { return enqueue(item); }
      if (answer.status === 200 || answer.status === 201) { saved(item, answer.json, answer.status === 201); return; }
      el.form.setAttribute("data-saved", "error");
      showErrors(el.form, answer.json.error, formError);
      signal("red");
    }, function () {
      network();
      return enqueue(item);
    });
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!local.current || local.saving) { return; }
    clearErrors();
    el.saveStatus.textContent = "";
    if (!local.outcome) {
      root.querySelector('[data-error-for="outcome"]').textContent = msg("pick-outcome");
      return;
    }
    var item = recording();
    local.saving = true;
    el.save.disabled = true;
    var done = navigator.onLine ? send(item) : enqueue(item);
    done.then(function () {
      local.saving = false;
      el.save.disabled = false;
    });
  });

  // --- Referral to another booth (online only) ------------------------------------------------------

  if (el.referForm) {
    el.referForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!local.current) { return; }
      clearErrors();
      var status = function (text) { el.referStatus.textContent = text; };
      if (!navigator.onLine || local.current.offline) { status(msg("refer-offline")); return; }
      var target = el.referForm.elements.namedItem("to_booth_id");
      if (!target.value) {
        el.referForm.querySelector('[data-error-for="to_booth_id"]').textContent = msg("refer-pick");
        return;
      }
      var note = el.referForm.elements.namedItem("note").value.trim();
      var body = withHolder({ qr_payload: local.current.text, to_booth_id: Number(target.value) });
      if (note) { body.note = note; }
      var name = target.options[target.selectedIndex].textContent;
      api.asDevice("POST", root.dataset.referralsUrl, body).then(function (answer) {
        if (answer.status === 201) {
          status(fill(msg("referred"), "name", name));
          el.referForm.setAttribute("data-referred", target.value);
          return;
        }
        deviceRefused(answer);
        showErrors(el.referForm, answer.json && answer.json.error, status);
      }, function () { network(); status(msg("refer-offline")); });
    });
  }

  // --- What this phone recorded ---------------------------------------------------------------------

  function timeOf(date) {
    return date.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function remember(item, state, reason) {
    var row = document.createElement("li");
    row.className = "booth-history__item";
    row.setAttribute("data-scan-id", item.scan_id);
    var who = local.current ? local.current.name : "";
    var number = local.current ? local.current.ticketNumber : "";
    var text = document.createElement("span");
    text.textContent = timeOf(new Date()) + " · " + fill(msg("ticket"), "number", number) +
      (who && who.indexOf(number) < 0 ? " (" + who + ")" : "") + " — " + outcomeLabel(item.outcome) + " — ";
    var label = document.createElement("span");
    label.setAttribute("data-state-label", "");
    row.appendChild(text);
    row.appendChild(label);
    el.history.insertBefore(row, el.history.firstChild);
    mark(item.scan_id, state, reason);
    while (el.history.children.length > 30) { el.history.removeChild(el.history.lastChild); }
  }

  function mark(scanId, state, reason) {
    var row = el.history.querySelector('[data-scan-id="' + scanId + '"]');
    if (!row) { return; }
    row.setAttribute("data-state", state);
    row.className = "booth-history__item booth-history__item--" + state;
    var label = row.querySelector("[data-state-label]");
    label.textContent = state === "refused" ? fill(msg("refused"), "reason", reason || "")
      : msg("history-" + state);
  }

  // --- Upload of the offline queue --------------------------------------------------------------

  function sync() {
    if (local.syncing) { return local.syncing; }
    local.syncing = queueStore.queued(boothId).catch(function () { return []; }).then(function (rows) {
      local.queued = rows.length;
      network();
      if (!rows.length || !navigator.onLine) { return; }
      return api.ensureDevice().then(function (deviceId) {
        if (!deviceId) { return; }
        var batch = rows.slice(0, MAX_SYNC_ITEMS).map(function (row) { return row.item; });
        return api.asDevice("POST", root.dataset.syncUrl, {
          device_id: deviceId, sent_at: new Date().toISOString(), interviews: batch
        }).then(function (answer) {
          if (deviceRefused(answer) || answer.status !== 200 || !answer.json) { return; }
          var results = answer.json.results || [];
          results.forEach(function (result) {
            var refused = result.result === "refused";
            mark(result.scan_id, refused ? "refused" : "saved", refused && result.error ? result.error.message : "");
          });
          var done = results.map(function (result) { return result.scan_id; });
          return queueStore.dequeue(done).then(function () {
            local.queued = Math.max(0, rows.length - done.length);
            root.setAttribute("data-synced", String(Number(root.getAttribute("data-synced") || 0) + done.length));
          });
        }, function () { /* still unreachable: the next attempt will tell */ });
      });
    }).then(function () {
      local.syncing = null;
      network();
    }, function () {
      local.syncing = null;
    });
    return local.syncing;
  }

  // --- Start ---------------------------------------------------------------------------------------

  store.beforeWipe = function () {
    return sync().then(function () { return queueStore.queued(boothId); }).then(function (left) {
      return left.length;
    });
  };

  var offlinePage = window.OfflinePage ? window.OfflinePage.install(root) : null;
  var camera = window.QrCamera ? window.QrCamera.attach(el.camera, { onDecode: handleScan }) : null;
  root.boothScanner = { camera: camera, scan: handleScan, sync: sync };
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
    return api.ensureDevice().then(refreshData).then(sync);
  });
}());
