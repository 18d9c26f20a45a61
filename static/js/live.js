/* The organisers' live view: poll the page's JSON every few seconds and redraw the figures, the
   tables and the bars in place (text only: nothing from the server is parsed as HTML). */
(function () {
  "use strict";
  const root = document.querySelector("[data-live]");
  if (!root) return;
  const interval = Number(root.dataset.interval) || 4000;

  function text(selector, value) {
    const node = root.querySelector(selector);
    if (node) node.textContent = String(value);
  }

  function bar(registered, checkedIn, big) {
    const progress = document.createElement("progress");
    progress.className = big ? "live-bar live-bar--big" : "live-bar";
    progress.max = registered || 1;
    progress.value = checkedIn;
    progress.textContent = checkedIn + "/" + registered;
    return progress;
  }

  function cell(tag, content, className) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content instanceof Node) node.appendChild(content);
    else node.textContent = content === undefined || content === null ? "" : String(content);
    if (tag === "th") node.scope = "row";
    return node;
  }

  function fill(selector, rows, makeRow) {
    const body = root.querySelector(selector);
    if (!body) return;
    const fresh = document.createDocumentFragment();
    for (const row of rows) fresh.appendChild(makeRow(row));
    body.replaceChildren(fresh);
  }

  function tallyRow(label, row, key, value) {
    const tr = document.createElement("tr");
    tr.dataset[key] = value;
    tr.append(cell("th", label), cell("td", row.registered, "text-end"), cell("td", row.checked_in, "text-end"),
              cell("td", bar(row.registered, row.checked_in)));
    return tr;
  }

  function phoneLink(phone) {
    const link = document.createElement("a");
    link.href = "tel:" + phone;
    link.textContent = phone;
    return link;
  }

  function show(data) {
    text("[data-live-updated]", data.updated_at);
    text("[data-live-registered]", data.registered);
    text("[data-live-checked-in]", data.checked_in);
    const total = root.querySelector("[data-live-total-bar]");
    if (total) {
      total.max = data.registered || 1;
      total.value = data.checked_in;
      total.textContent = data.checked_in + "/" + data.registered;
    }
    fill("[data-live-groups]", data.by_priority_group, (row) => tallyRow(row.label, row, "group", row.group));
    fill("[data-live-wards]", data.by_ward, (row) => tallyRow(row.name, row, "ward", row.code));
    const steps = ["interviewed", "shortlisted", "offered", "counselled", "enrolled"];
    if (Array.isArray(data.booths_by_priority_group)) {
      fill("[data-live-booth-groups]", data.booths_by_priority_group, (row) => {
        const tr = document.createElement("tr");
        tr.dataset.group = row.group;
        tr.append(cell("th", row.label));
        for (const key of steps) {
          const td = cell("td", row[key], "text-end");
          td.dataset.key = key;
          tr.append(td);
        }
        return tr;
      });
      for (const key of steps) text('[data-live-booth-total="' + key + '"]', data.booths[key]);
    }
    text("[data-live-waiting-count]", data.priority_waiting_count);
    if (Array.isArray(data.priority_waiting)) {
      fill("[data-live-waiting]", data.priority_waiting, (row) => {
        const tr = document.createElement("tr");
        tr.dataset.registration = row.registration_id;
        tr.append(cell("td", row.name), cell("td", phoneLink(row.phone)), cell("td", row.group_label),
                  cell("td", row.ward));
        return tr;
      });
      root.querySelector("[data-live-waiting-empty]").hidden = data.priority_waiting.length > 0;
    }
    fill("[data-live-problems]", data.problems, (row) => {
      const tr = document.createElement("tr");
      tr.dataset.problem = row.result;
      tr.append(cell("td", row.time), cell("td", row.what), cell("td", row.name), cell("td", row.where));
      return tr;
    });
    root.querySelector("[data-live-problems-empty]").hidden = data.problems.length > 0;
  }

  function poll() {
    fetch(root.dataset.url, {credentials: "same-origin", headers: {Accept: "application/json"}, cache: "no-store"})
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then((data) => {
        show(data);
        root.querySelector("[data-live-offline]").hidden = true;
        root.dataset.polls = String(Number(root.dataset.polls || 0) + 1);
      })
      .catch(() => { root.querySelector("[data-live-offline]").hidden = false; })
      .finally(() => window.setTimeout(poll, interval));
  }

  window.setTimeout(poll, interval);
})();
