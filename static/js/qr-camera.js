/*
 * QrCamera: a reusable QR scanner on the phone's camera, wrapping the vendored qr-scanner.
 *
 * Markup (every part optional except the video):
 *   <div data-qr-camera
 *        data-msg-starting="…" data-msg-scanning="…" data-msg-no-camera="…" data-msg-denied="…"
 *        data-msg-stopped="…">
 *     <div data-qr-view hidden><video data-qr-video playsinline muted></video></div>  (shown while on)
 *     <button type="button" data-qr-start>…</button>  <button type="button" data-qr-stop hidden>…</button>
 *     <button type="button" data-qr-switch hidden>…</button>  <button type="button" data-qr-torch hidden>…</button>
 *     <p data-qr-status role="status" aria-live="polite"></p>
 *     <input data-qr-manual>   a USB/Bluetooth scanner types the code here and ends with Enter
 *   </div>
 *
 *   var camera = QrCamera.attach(element, { onDecode: function (text, source) { … } });
 *   camera.start(); camera.stop();
 *
 * `source` is "camera" or "keyboard". The same text is reported once per `repeatAfterMs` (2 s), so a
 * code held in front of the lens does not fire a burst. Needs qr-scanner.umd.min.js loaded first and
 * a secure context (HTTPS, or 127.0.0.1/localhost) for the camera; the keyboard box works anywhere.
 */
(function () {
  "use strict";

  function QrCamera(root, options) {
    this.root = root;
    this.options = options || {};
    this.onDecode = this.options.onDecode || function () {};
    this.repeatAfterMs = this.options.repeatAfterMs || 2000;
    this.video = root.querySelector("[data-qr-video]");
    this.view = root.querySelector("[data-qr-view]");
    this.status = root.querySelector("[data-qr-status]");
    this.buttons = {
      start: root.querySelector("[data-qr-start]"),
      stop: root.querySelector("[data-qr-stop]"),
      switchCamera: root.querySelector("[data-qr-switch]"),
      torch: root.querySelector("[data-qr-torch]")
    };
    this.manual = root.querySelector("[data-qr-manual]");
    this.scanner = null;
    this.cameras = [];
    this.cameraIndex = 0;
    this.active = false;
    this.last = { text: null, at: 0 };
    this._bind();
  }

  QrCamera.prototype._message = function (name) {
    return this.root.getAttribute("data-msg-" + name) || "";
  };

  QrCamera.prototype._say = function (name, extra) {
    if (this.status) {
      this.status.textContent = this._message(name) + (extra ? " " + extra : "");
    }
    this.root.setAttribute("data-qr-state", name);
  };

  QrCamera.prototype._bind = function () {
    var self = this;
    if (this.buttons.start) {
      this.buttons.start.addEventListener("click", function () { self.start(); });
    }
    if (this.buttons.stop) {
      this.buttons.stop.addEventListener("click", function () { self.stop(); });
    }
    if (this.buttons.switchCamera) {
      this.buttons.switchCamera.addEventListener("click", function () { self.switchCamera(); });
    }
    if (this.buttons.torch) {
      this.buttons.torch.addEventListener("click", function () { self.toggleTorch(); });
    }
    if (this.manual) {
      // Hardware scanners "type" the code quickly and press Enter: take it, never submit the form.
      this.manual.addEventListener("keydown", function (event) {
        if (event.key !== "Enter") { return; }
        event.preventDefault();
        var text = self.manual.value.replace(/[\r\n]+$/, "");
        self.manual.value = "";
        if (text) { self._emit(text, "keyboard", true); }
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && self.active) { self.stop(); }
    });
  };

  QrCamera.prototype._emit = function (text, source, always) {
    var now = Date.now();
    if (!always && text === this.last.text && now - this.last.at < this.repeatAfterMs) { return; }
    this.last = { text: text, at: now };
    this.onDecode(text, source);
  };

  QrCamera.prototype._show = function (button, visible) {
    if (button) { button.hidden = !visible; }
  };

  QrCamera.prototype.start = function () {
    var self = this;
    if (this.active) { return Promise.resolve(); }
    if (!window.QrScanner || !this.video) {
      this._say("no-camera");
      return Promise.resolve();
    }
    this._say("starting");
    if (!this.scanner) {
      this.scanner = new window.QrScanner(this.video, function (result) {
        // A frame still being decoded when the camera was stopped reports afterwards: not a scan.
        if (self.active) { self._emit(result.data, "camera", false); }
      }, {
        returnDetailedScanResult: true,
        preferredCamera: "environment",
        maxScansPerSecond: 12,
        onDecodeError: function () { /* no code in this frame: keep looking */ }
      });
    }
    this.root.classList.add("qr-camera-on");
    this._show(this.view, true);
    return this.scanner.start().then(function () {
      self.active = true;
      self._say("scanning");
      self._show(self.buttons.start, false);
      self._show(self.buttons.stop, true);
      return self._discover();
    }).catch(function (error) {
      self.active = false;
      self.root.classList.remove("qr-camera-on");
      self._show(self.view, false);
      var denied = error && /denied|notallowed|permission/i.test(String(error.name || error));
      self._say(denied ? "denied" : "no-camera");
      self._show(self.buttons.start, true);
      self._show(self.buttons.stop, false);
    });
  };

  QrCamera.prototype._discover = function () {
    var self = this;
    var cameras = window.QrScanner.listCameras ? window.QrScanner.listCameras(true) : Promise.resolve([]);
    return cameras.then(function (list) {
      self.cameras = list || [];
      self._show(self.buttons.switchCamera, self.cameras.length > 1);
      return self.scanner.hasFlash();
    }).then(function (flash) {
      self._show(self.buttons.torch, !!flash);
    }).catch(function () { /* optional features */ });
  };

  QrCamera.prototype.switchCamera = function () {
    if (!this.scanner || this.cameras.length < 2) { return Promise.resolve(); }
    this.cameraIndex = (this.cameraIndex + 1) % this.cameras.length;
    var self = this;
    return this.scanner.setCamera(this.cameras[this.cameraIndex].id).then(function () {
      return self.scanner.hasFlash();
    }).then(function (flash) {
      self._show(self.buttons.torch, !!flash);
    }).catch(function () { self._say("no-camera"); });
  };

  QrCamera.prototype.toggleTorch = function () {
    if (!this.scanner) { return Promise.resolve(); }
    var self = this;
    return this.scanner.toggleFlash().then(function () {
      if (self.buttons.torch) {
        self.buttons.torch.setAttribute("aria-pressed", self.scanner.isFlashOn() ? "true" : "false");
      }
    }).catch(function () { self._show(self.buttons.torch, false); });
  };

  QrCamera.prototype.stop = function () {
    if (this.scanner) { this.scanner.stop(); }
    this.active = false;
    this.root.classList.remove("qr-camera-on");
    this._show(this.view, false);
    this._show(this.buttons.start, true);
    this._show(this.buttons.stop, false);
    this._show(this.buttons.torch, false);
    this._show(this.buttons.switchCamera, false);
    this._say("stopped");
  };

  QrCamera.prototype.destroy = function () {
    this.stop();
    if (this.scanner) { this.scanner.destroy(); this.scanner = null; }
  };

  QrCamera.attach = function (root, options) {
    return new QrCamera(root, options);
  };

  window.QrCamera = QrCamera;
}());
