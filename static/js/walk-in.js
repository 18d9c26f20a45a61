/*
 * Walk-in registration: "Quét CCCD" scans the QR on a chip citizen ID card with QrCamera and fills the
 * form. The card's QR holds fields separated by "|":
 *   ID number | old ID | full name | date of birth ddmmyyyy | sex (Nam/Nữ) | address | issue date ddmmyyyy
 * Anything else is reported and ignored. The staff member then types the phone number and submits.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-walk-in-form]");
  var root = document.querySelector("[data-qr-camera]");
  if (!form || !root || !window.QrCamera) { return; }

  function field(name) { return form.elements.namedItem(name); }

  function set(name, value) {
    var element = field(name);
    if (!element || value === undefined || value === null) { return; }
    if (typeof element.length === "number" && !element.tagName) {  // radio group
      Array.prototype.forEach.call(element, function (radio) { radio.checked = radio.value === value; });
      return;
    }
    element.value = value;
    element.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function parseCitizenCard(text) {
    var parts = String(text).trim().split("|");
    if (parts.length < 6 || !/^\d{12}$/.test(parts[0])) { return null; }
    var birth = /^(\d{2})(\d{2})(\d{4})$/.exec(parts[3] || "");
    var sex = (parts[4] || "").normalize("NFC").trim().toLowerCase();
    return {
      citizenId: parts[0],
      fullName: (parts[2] || "").normalize("NFC").trim(),
      birthDate: birth ? birth[3] + "-" + birth[2] + "-" + birth[1] : "",
      birthYear: birth ? birth[3] : "",
      gender: sex === "nam" ? "male" : (sex === "nữ" || sex === "nu") ? "female" : "",
      address: (parts[5] || "").normalize("NFC").trim()
    };
  }

  var status = root.querySelector("[data-qr-status]");
  var camera = window.QrCamera.attach(root, {
    onDecode: function (text) {
      var card = parseCitizenCard(text);
      if (!card) {
        if (status) { status.textContent = root.getAttribute("data-msg-not-card") || ""; }
        return;
      }
      set("citizen_id", card.citizenId);
      set("full_name", card.fullName);
      set("birth_date", card.birthDate);
      set("birth_year", card.birthYear);
      if (card.gender) { set("gender", card.gender); }
      set("address", card.address);
      camera.stop();
      if (status) { status.textContent = root.getAttribute("data-msg-filled") || ""; }
      form.setAttribute("data-filled-from-card", "true");
      var phone = field("phone");
      if (phone) { phone.focus(); }
    }
  });
}());
