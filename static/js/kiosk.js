/* The self check-in kiosk.
   On the tablet ([data-kiosk-screen]): fetch the current token every ~10 s (and right after the
   30-second window turns) and redraw the QR image from the server.
   On the job seeker's phone ([data-kiosk-saved]): if the ticket page saved a ticket for this fair in
   localStorage ("fairapp.tickets"), offer to check in with it. */
(function () {
  "use strict";
  const STORAGE_KEY = "fairapp.tickets";
  const POLL_MS = 10000;

  function savedTickets() {
    try {
      const list = JSON.parse(localStorage.getItem(STORAGE_KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) {
      return [];
    }
  }

  const saved = document.querySelector("[data-kiosk-saved]");
  if (saved) {
    const fairId = saved.dataset.fairId;
    const ticket = savedTickets().find((item) => item && String(item.fair_id) === fairId &&
                                                  typeof item.secret === "string" && item.secret);
    if (ticket) {
      saved.querySelector("input[name=secret]").value = ticket.secret;
      saved.hidden = false;
    }
  }

  const screen = document.querySelector("[data-kiosk-screen]");
  if (!screen) return;
  const figure = screen.querySelector("[data-kiosk-qr]");
  const image = screen.querySelector("[data-kiosk-qr-image]");
  const closed = screen.querySelector("[data-kiosk-closed]");
  const closedMessage = screen.querySelector("[data-kiosk-closed-message]");
  const offline = screen.querySelector("[data-kiosk-offline]");

  function show(state) {
    offline.hidden = true;
    if (state.open) {
      if (screen.dataset.token !== state.token) {
        image.src = state.qr_url;
        screen.dataset.token = state.token;
        screen.dataset.kioskUrl = state.url;
      }
      figure.hidden = false;
      closed.hidden = true;
    } else {
      figure.hidden = true;
      closedMessage.textContent = state.message || "";
      closed.hidden = false;
      screen.dataset.token = "";
    }
  }

  function schedule(refreshIn) {
    // Right after the window turns if that comes first, else in ten seconds.
    const turn = (Number(refreshIn) || 0) * 1000 + 300;
    window.setTimeout(refresh, turn > 0 && turn < POLL_MS ? turn : POLL_MS);
  }

  function refresh() {
    fetch(screen.dataset.tokenUrl, {credentials: "same-origin", headers: {Accept: "application/json"},
                                    cache: "no-store"})
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then((state) => {
        show(state);
        schedule(state.refresh_in);
      })
      .catch(() => {
        offline.hidden = false;
        schedule(0);
      });
  }

  schedule(screen.dataset.refreshIn);
})();
