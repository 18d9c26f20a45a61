/* The consent page a job seeker opens from a booth's QR: fill the ticket field with the ticket this
   phone holds for the fair (the ticket page keeps {fair_id, secret} in localStorage, "fairapp.tickets")
   and hide it, so agreeing is one tap. Without a stored ticket the field stays for a pasted link. */
(function () {
  "use strict";
  const page = document.querySelector("[data-booth-consent]");
  if (!page) return;
  const input = page.querySelector("#ticket");
  if (!input || input.value) return;
  try {
    const fairId = Number(page.dataset.fairId);
    const stored = JSON.parse(localStorage.getItem("fairapp.tickets") || "[]");
    const mine = (Array.isArray(stored) ? stored : []).find((item) => item && item.fair_id === fairId);
    if (mine && mine.secret) {
      input.value = mine.secret;
      page.querySelector("[data-ticket-field]").hidden = true;
    }
  } catch (error) { /* storage unavailable: the person pastes the link */ }
})();
