// Badge job page: polls the job's JSON status (data-status-url on #badge-job) every second, moves
// the progress bar, and shows the download button when the PDF is ready or the error if it failed.
(function () {
  "use strict";

  var root = document.getElementById("badge-job");
  if (!root) {
    return;
  }
  var bar = root.querySelector(".badge-progress-bar");
  var holder = bar.parentElement;
  var text = root.querySelector(".badge-job-text");
  var error = root.querySelector(".badge-job-error");
  var download = root.querySelector(".badge-job-download");
  var pagesLabel = root.getAttribute("data-label-pages");
  var failures = 0;

  function show(status) {
    var percent = Math.max(0, Math.min(100, status.percent || 0));
    bar.style.width = percent + "%";
    holder.setAttribute("aria-valuenow", String(percent));
    text.textContent = pagesLabel.replace("{done}", status.pages_done).replace("{total}", status.pages_total);
    root.setAttribute("data-status", status.status);
    if (status.status === "done") {
      bar.style.width = "100%";
      if (status.download_url) {
        download.setAttribute("href", status.download_url);
      }
      download.classList.remove("d-none");
    }
    if (status.status === "failed" || status.status === "expired") {
      if (status.error) {
        error.textContent = status.error;
      }
      error.classList.remove("d-none");
    }
  }

  function poll() {
    fetch(root.getAttribute("data-status-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        show(status);
        if (status.status === "queued" || status.status === "running") {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 10) {
          window.setTimeout(poll, 3000);
        }
      });
  }

  bar.style.width = (bar.getAttribute("data-percent") || "0") + "%";
  var initial = root.getAttribute("data-status");
  if (initial === "queued" || initial === "running") {
    poll();
  }
}());
