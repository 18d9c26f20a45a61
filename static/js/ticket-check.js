/*
 * TicketCheck: a ticket's QR checked on the phone, without the server (the gate scanner and the booth
 * scanner, when offline). The payload is "F1.<fair>.<registration>.<nonce>.<signature>": base-36 ids,
 * a base-32 nonce and a base-32 Ed25519 signature of everything before it (fairapp.tickets.signing).
 *
 *   TicketCheck.parse(text)          → {fairId, registrationId, nonce, signature, body} or null when the
 *                                      text is not a ticket's shape (then it is "invalid")
 *   TicketCheck.importKey(b64url)    → Promise of the public key for WebCrypto, or null
 *   TicketCheck.genuine(key, ticket) → Promise of whether the signature holds (rejects when this
 *                                      browser cannot verify Ed25519)
 *   TicketCheck.ticketNumber(id)     → the ticket number people see ("000123")
 *
 * The revocation list and the fair are the caller's to check, with what it downloaded.
 */
(function () {
  "use strict";

  var PAYLOAD = /^F1\.([1-9A-Z][0-9A-Z]{0,12})\.([1-9A-Z][0-9A-Z]{0,12})\.([A-Z2-7]{8})\.([A-Z2-7]{103})$/;
  var BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  function base64url(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/");
    while (padded.length % 4) { padded += "="; }
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function base32(text) {
    var bits = 0, value = 0, out = [];
    for (var i = 0; i < text.length; i++) {
      value = (value << 5) | BASE32.indexOf(text[i]);
      bits += 5;
      if (bits >= 8) {
        out.push((value >>> (bits - 8)) & 255);
        bits -= 8;
      }
      value &= (1 << bits) - 1;
    }
    if (value !== 0) { return null; }  // the spare low bits must be zero (canonical form)
    return new Uint8Array(out);
  }

  function parse(text) {
    var match = PAYLOAD.exec(String(text));
    if (!match) { return null; }
    var signature = base32(match[4]);
    var registrationId = parseInt(match[2], 36);
    var fairId = parseInt(match[1], 36);
    if (!signature || signature.length !== 64 || registrationId > Number.MAX_SAFE_INTEGER ||
        fairId > Number.MAX_SAFE_INTEGER) {
      return null;
    }
    return {
      fairId: fairId,
      registrationId: registrationId,
      nonce: match[3],
      signature: signature,
      body: new TextEncoder().encode(match[0].slice(0, match[0].length - match[4].length - 1))
    };
  }

  function importKey(keyText) {
    if (!keyText || !(window.crypto && crypto.subtle)) { return Promise.resolve(null); }
    try {
      return crypto.subtle.importKey("raw", base64url(String(keyText)), { name: "Ed25519" }, false, ["verify"])
        .catch(function () { return null; });
    } catch (error) {
      return Promise.resolve(null);
    }
  }

  function genuine(key, ticket) {
    return crypto.subtle.verify({ name: "Ed25519" }, key, ticket.signature, ticket.body);
  }

  function ticketNumber(registrationId) {
    var text = String(registrationId);
    while (text.length < 6) { text = "0" + text; }
    return text;
  }

  window.TicketCheck = { parse: parse, importKey: importKey, genuine: genuine, ticketNumber: ticketNumber };
}());
