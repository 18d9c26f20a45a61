// Copy buttons: <button data-copy-target="ID" data-copied-label="…"> copies the text of element ID
// (a textarea or input) to the clipboard; a sibling .copy-status announces the result.
(function () {
  "use strict";

  function announce(button, text) {
    var status = button.parentElement && button.parentElement.querySelector(".copy-status");
    if (status) {
      status.textContent = text;
    }
  }

  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) {
      return;
    }
    var done = function () { announce(button, button.getAttribute("data-copied-label") || "✓"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(target.value).then(done, function () { fallback(target, done); });
    } else {
      fallback(target, done);
    }
  }

  function fallback(target, done) {
    target.focus();
    target.select();
    try {
      if (document.execCommand("copy")) {
        done();
      }
    } catch (error) {
      // The text stays selected: the person can copy it by hand.
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (button) {
      copy(button);
    }
  });
})();
