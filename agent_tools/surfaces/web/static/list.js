"use strict";
// The list page: rows pushed over server-sent events; no polling loop here.
(() => {
  const rows = document.getElementById("rows");
  const statusFilter = document.getElementById("status-filter");
  const typeFilter = document.getElementById("type-filter");
  let source = null;

  function cell(text, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function row(operation) {
    const tr = document.createElement("tr");
    tr.dataset.operationId = operation.operation_id;
    tr.dataset.status = operation.status;
    const link = document.createElement("a");
    link.href = `/ui/operations/${encodeURIComponent(operation.operation_id)}`;
    link.textContent = operation.operation_id;
    const id = document.createElement("td");
    id.appendChild(link);
    tr.appendChild(id);
    tr.appendChild(cell(operation.operation_type));
    tr.appendChild(cell(operation.status, `status ${operation.status}`));
    const barCell = document.createElement("td");
    barCell.className = "bar-cell";
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.setAttribute("role", "progressbar");
    const fill = document.createElement("div");
    const label = document.createElement("span");
    bar.appendChild(fill);
    bar.appendChild(label);
    const value = ui.percent(operation);
    ui.setBar(fill, label, value, operation.status);
    bar.setAttribute("aria-valuenow", value === null ? "" : value.toFixed(1));
    bar.title = ui.steps(operation.current_step, operation.total_steps);
    barCell.appendChild(bar);
    tr.appendChild(barCell);
    tr.appendChild(cell(ui.rate(operation.rate_per_second)));
    tr.appendChild(cell(ui.duration(operation.eta_seconds)));
    tr.appendChild(cell(ui.time(operation.updated_at)));
    return tr;
  }

  function show(page) {
    rows.replaceChildren(...page.operations.map(row));
    if (!page.operations.length) {
      const tr = document.createElement("tr");
      const td = cell("No operations yet.", "empty");
      td.colSpan = 7;
      tr.appendChild(td);
      rows.appendChild(tr);
    }
  }

  function connect() {
    if (source) source.close();
    const query = new URLSearchParams();
    if (statusFilter.value) query.set("status", statusFilter.value);
    if (typeFilter.value.trim()) query.set("type", typeFilter.value.trim());
    source = new EventSource(`/ui/api/stream?${query}`);
    source.addEventListener("open", () => ui.connection("live"));
    source.addEventListener("error", () => ui.connection("reconnecting…"));
    source.addEventListener("operations", (event) => show(JSON.parse(event.data)));
  }

  statusFilter.addEventListener("change", connect);
  typeFilter.addEventListener("change", connect);
  document.getElementById("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    connect();
  });
  ui.loadSession().then(connect, () => {});
})();
