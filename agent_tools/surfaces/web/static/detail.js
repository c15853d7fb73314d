"use strict";
// The detail page: progress pushed over server-sent events, a chart, the result log paged,
// and pause / resume / cancel as CSRF-protected POSTs.
(() => {
  const operationId = decodeURIComponent(window.location.pathname.split("/").pop());
  const base = `/ui/api/operations/${encodeURIComponent(operationId)}`;
  const byId = (id) => document.getElementById(id);
  const MAX_SAMPLES = 600;
  let samples = [];
  let resultsCursor = null;
  let pageCursors = [];

  function showView(view) {
    const progress = view.progress;
    byId("status").textContent = view.status;
    byId("status").className = `status ${view.status}`;
    byId("type").textContent = `${view.operation_type} · ${view.mode}`;
    const value = ui.percent({ percentage: progress.percentage, status: view.status });
    ui.setBar(byId("bar"), byId("bar-label"), value, view.status);
    byId("steps").textContent = ui.steps(progress.current_step, progress.total_steps);
    byId("rate").textContent = ui.rate(progress.rate_per_second);
    byId("eta").textContent = view.status === "completed" ? "done" : ui.duration(progress.eta_seconds);
    byId("message").textContent = progress.message || "–";
    const dropped = view.dropped_items ? `, oldest ${view.dropped_items} dropped` : "";
  byId("results-total").textContent = `(${view.items_total} items${dropped})`;
    const error = byId("error");
    error.hidden = !view.error;
    if (view.error) error.textContent = `${view.error.code}: ${view.error.message} ${view.error.hint}`;
    const over = ["completed", "failed", "cancelled"].includes(view.status);
    byId("pause").disabled = over || view.status === "paused";
    byId("resume").disabled = over || view.status !== "paused";
    byId("cancel").disabled = over;
  }

  function showDetail(detail) {
    showView(detail.view);
    const details = byId("details");
    const lease = detail.lease
      ? `${detail.lease.holder} (token ${detail.lease.token}, ${detail.lease.expires_in_s ?? "–"}s left)`
      : "none";
    const pairs = [
      ["Input", detail.input_summary], ["Owner", detail.owner || "–"],
      ["Type version", detail.type_version], ["Priority", detail.priority],
      ["Chunk size", detail.chunk_size], ["Next chunk", detail.next_chunk_index],
      ["Active time", ui.duration(detail.active_seconds)], ["Lease", lease],
      ["Created", detail.view.created_at],
    ];
    details.replaceChildren(...pairs.flatMap(([key, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = key;
      const dd = document.createElement("dd");
      dd.textContent = String(value);
      return [dt, dd];
    }));
    byId("checkpoints").replaceChildren(...detail.checkpoints.map((checkpoint) => {
      const li = document.createElement("li");
      li.textContent = `${ui.time(checkpoint.at)} ${checkpoint.kind} chunks ${checkpoint.first_chunk ?? "?"}–${checkpoint.next_chunk ?? "?"}`;
      return li;
    }));
  }

  function addSample(sample) {
    samples.push(sample);
    if (samples.length > MAX_SAMPLES) samples = samples.slice(-MAX_SAMPLES);
    progressChart.draw(byId("chart"), samples);
  }

  async function loadResults(cursor) {
    const query = new URLSearchParams({ limit: "20" });
    if (cursor) query.set("cursor", cursor);
    const page = await ui.getJson(`${base}/results?${query}`);
    const body = byId("results");
    body.replaceChildren(...page.items.map((item) => {
      const tr = document.createElement("tr");
      const seq = document.createElement("td");
      seq.textContent = item.seq;
      const output = document.createElement("td");
      const code = document.createElement("code");
      code.textContent = JSON.stringify(item.output);
      output.appendChild(code);
      tr.append(seq, output);
      return tr;
    }));
    const first = page.items.length ? page.items[0].seq : null;
    const last = page.items.length ? page.items[page.items.length - 1].seq : null;
    byId("results-where").textContent = first === null ? "no items on this page" : `items ${first}-${last}`;
    resultsCursor = page.next_cursor;
    byId("results-next").disabled = !page.has_more;
  }

  async function steer(action) {
    const result = byId("control-result");
    result.textContent = `${action}…`;
    try {
      const view = await ui.post(`${base}/${action}`);
      showView(view);
      result.textContent = `${action}: now ${view.status}`;
    } catch (problem) {
      result.textContent = `${action} refused: ${problem.message}`;
    }
  }

  function connect() {
    const source = new EventSource(`${base}/stream`);
    source.addEventListener("open", () => ui.connection("live"));
    source.addEventListener("error", () => ui.connection("reconnecting…"));
    source.addEventListener("history", (event) => {
      samples = JSON.parse(event.data);
      progressChart.draw(byId("chart"), samples);
    });
    source.addEventListener("progress", (event) => {
      const message = JSON.parse(event.data);
      showView(message.view);
      addSample(message.sample);
    });
    source.addEventListener("end", () => {
      source.close();
      ui.connection("ended");
      ui.getJson(base).then(showDetail, () => {});
      loadResults(pageCursors.length ? pageCursors[pageCursors.length - 1] : null).catch(() => {});
    });
  }

  byId("title").textContent = operationId;
  byId("pause").addEventListener("click", () => steer("pause"));
  byId("resume").addEventListener("click", () => steer("resume"));
  byId("cancel").addEventListener("click", () => steer("cancel"));
  byId("results-first").addEventListener("click", () => {
    pageCursors = [];
    loadResults(null);
  });
  byId("results-next").addEventListener("click", () => {
    pageCursors.push(resultsCursor);
    loadResults(resultsCursor);
  });
  ui.loadSession()
    .then(() => ui.getJson(base))
    .then((detail) => {
      showDetail(detail);
      connect();
      return loadResults(null);
    })
    .catch((problem) => {
      byId("error").hidden = false;
      byId("error").textContent = problem.message;
    });
})();
