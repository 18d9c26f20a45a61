/* Ward/commune picker: turns the <select> rendered by templates/geo/_picker.html into an ARIA
   combobox that searches GET /units/search as the user types. No libraries, no inline code: all
   markup and translated texts come from the page (a <template> and data-* attributes).
   Without this script (or without fetch) the <select> stays and the form works as it is. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 2;

  function format(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function WardPicker(root) {
    var select = root.querySelector("[data-ward-picker-fallback]");
    var template = root.querySelector("template[data-ward-picker-template]");
    var fragment = template.content.cloneNode(true);

    this.root = root;
    this.input = fragment.querySelector("[role=combobox]");
    this.hidden = fragment.querySelector("input[type=hidden]");
    this.list = fragment.querySelector("[role=listbox]");
    this.message = fragment.querySelector("[data-ward-picker-message]");
    this.status = fragment.querySelector("[data-ward-picker-status]");
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.lastQuery = null;
    if (!this.input.value) { this.hidden.value = ""; }  // a code the server did not recognise
    this.chosen = { code: this.hidden.value, label: this.input.value };

    // The server knows the chosen ward's label; keep the <select>'s choice if the page was
    // restored from the back/forward cache with a different one.
    if (select.value && select.value !== this.hidden.value) {
      var option = select.options[select.selectedIndex];
      this.chosen = { code: select.value, label: option ? option.textContent.trim() : "" };
      this.hidden.value = this.chosen.code;
      this.input.value = this.chosen.label;
    }

    this.list.style.zIndex = "1050";
    this.list.style.maxHeight = "18rem";
    this.list.style.overflowY = "auto";

    select.replaceWith(fragment);
    template.remove();
    this.bind();
  }

  WardPicker.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("input", function () { self.onInput(); });
    this.input.addEventListener("keydown", function (event) { self.onKeydown(event); });
    this.input.addEventListener("blur", function () {
      window.setTimeout(function () { self.close(); }, 150);
    });
    this.input.addEventListener("focus", function () {
      if (self.items.length && self.hidden.value === "") { self.open(); }
    });
    // Keep the focus in the input while an option is pressed (mouse and touch).
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { self.choose(Number(option.dataset.index)); }
    });
  };

  WardPicker.prototype.onInput = function () {
    var self = this;
    // Typed text no longer names the chosen ward until a new one is picked.
    if (this.input.value !== this.chosen.label) { this.setCode(""); }
    window.clearTimeout(this.timer);
    var query = this.input.value.trim();
    if (query.length < MIN_CHARS) {
      this.abort();
      this.lastQuery = null;
      this.show([]);
      this.say("");
      return;
    }
    this.timer = window.setTimeout(function () { self.search(query); }, DEBOUNCE_MS);
  };

  WardPicker.prototype.onKeydown = function (event) {
    var isOpen = !this.list.hidden;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        if (!this.items.length) { return; }
        event.preventDefault();
        if (!isOpen) { this.open(); }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = this.active + step;
        if (next < 0) { next = this.items.length - 1; }
        if (next >= this.items.length) { next = 0; }
        this.highlight(next);
        break;
      case "Enter":
        if (isOpen && this.active >= 0) {
          event.preventDefault();
          this.choose(this.active);
        }
        break;
      case "Escape":
        if (isOpen) {
          event.preventDefault();
          this.close();
        } else if (this.chosen.code) {
          this.input.value = this.chosen.label;
          this.setCode(this.chosen.code);
        }
        break;
      case "Tab":
        this.close();
        break;
    }
  };

  WardPicker.prototype.abort = function () {
    if (this.request) { this.request.abort(); this.request = null; }
  };

  WardPicker.prototype.search = function (query) {
    var self = this;
    if (query === this.lastQuery) { this.open(); return; }
    this.abort();
    var controller = new AbortController();
    this.request = controller;
    var url = new URL(this.root.dataset.searchUrl, window.location.href);
    url.searchParams.set("q", query);
    if (this.root.dataset.province) { url.searchParams.set("province", this.root.dataset.province); }
    fetch(url.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller.signal
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (body) {
      if (self.request !== controller) { return; }
      self.request = null;
      self.lastQuery = query;
      var items = (body && body.items) || [];
      self.show(items);
      if (items.length) {
        self.note("");
        self.say(format(self.root.dataset.msgCount, { count: items.length }));
      } else {
        self.note(self.root.dataset.msgNone);
        self.say(self.root.dataset.msgNone);
      }
    }).catch(function (error) {
      if (error && error.name === "AbortError") { return; }
      self.request = null;
      self.show([]);
      self.note(self.root.dataset.msgError);
      self.say(self.root.dataset.msgError);
    });
  };

  WardPicker.prototype.show = function (items) {
    var listId = this.list.id;
    this.items = items;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.list.replaceChildren();
    items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = listId + "-option-" + index;
      option.className = "list-group-item list-group-item-action py-2";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(index);
      var label = document.createElement("div");
      label.textContent = item.label;
      option.appendChild(label);
      if (item.legacy_label) {
        var legacy = document.createElement("small");
        legacy.className = "d-block text-body-secondary";
        legacy.textContent = item.legacy_label;
        option.appendChild(legacy);
      }
      this.list.appendChild(option);
    }, this);
    if (items.length) { this.open(); } else { this.close(); }
  };

  WardPicker.prototype.open = function () {
    if (!this.items.length) { return; }
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  WardPicker.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  WardPicker.prototype.highlight = function (index) {
    var options = this.list.querySelectorAll("[role=option]");
    options.forEach(function (option, i) {
      var on = i === index;
      option.setAttribute("aria-selected", on ? "true" : "false");
      option.classList.toggle("active", on);
    });
    this.active = index;
    if (options[index]) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }
  };

  WardPicker.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) { return; }
    this.chosen = { code: item.code, label: item.label };
    this.input.value = item.label;
    this.setCode(item.code);
    this.close();
    this.note("");
    this.say(format(this.root.dataset.msgChosen, { label: item.label }));
  };

  WardPicker.prototype.setCode = function (code) {
    if (this.hidden.value === code) { return; }
    this.hidden.value = code;
    this.hidden.dispatchEvent(new Event("change", { bubbles: true }));
  };

  WardPicker.prototype.note = function (text) {
    this.message.textContent = text || "";
    this.message.hidden = !text;
  };

  WardPicker.prototype.say = function (text) {
    this.status.textContent = text || "";
  };

  function start() {
    if (!window.fetch || !window.AbortController || !("content" in document.createElement("template"))) {
      return;  // old browser: the <select> stays
    }
    document.querySelectorAll("[data-ward-picker]").forEach(function (root) {
      if (root.dataset.wardPickerReady) { return; }
      if (!root.querySelector("[data-ward-picker-fallback]") ||
          !root.querySelector("template[data-ward-picker-template]")) { return; }
      root.dataset.wardPickerReady = "1";
      new WardPicker(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
