/* The two things the pages need a script for in their frame: the menu button on narrow screens, and
   the close button of a message. (Bootstrap's own script, 79 KB, did only this here.) Without the
   script the menu stays closed and the message stays: every page still works. */
"use strict";
document.addEventListener("click", function (event) {
  var toggler = event.target.closest("[data-menu-toggle]");
  if (toggler) {
    var menu = document.getElementById(toggler.getAttribute("aria-controls"));
    if (!menu) return;
    var open = menu.classList.toggle("show");
    toggler.setAttribute("aria-expanded", open ? "true" : "false");
    toggler.classList.toggle("collapsed", !open);
    return;
  }
  var close = event.target.closest("[data-alert-close]");
  if (close) {
    var message = close.closest(".alert");
    if (message) message.remove();
  }
});
