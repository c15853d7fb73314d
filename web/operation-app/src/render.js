// Show an operation view in the page.

import { TERMINAL, compactJson, progressLine } from "./format.js";

const byId = (id) => document.getElementById(id);

function showList(box, list, entries, text) {
  box.hidden = entries.length === 0;
  list.replaceChildren(
    ...entries.map((entry) => {
      const item = document.createElement("li");
      item.textContent = text(entry);
      return item;
    }),
  );
}

export function renderView(view) {
  const progress = view.progress;
  byId("type").textContent = `${view.operation_type} · ${view.operation_id}`;
  const status = byId("status");
  status.dataset.status = view.status;
  const waiting = Object.keys(view.input_requests || {}).length > 0;
  status.textContent = waiting ? "waiting for your answer" : `${view.status} (${view.mode})`;
  const bar = byId("bar");
  const percentage = view.status === "completed" ? 100 : progress.percentage;
  bar.toggleAttribute("data-unknown", percentage == null);
  if (percentage == null) bar.removeAttribute("aria-valuenow");
  else bar.setAttribute("aria-valuenow", percentage.toFixed(0));
  byId("fill").style.width = percentage == null ? "" : `${percentage}%`;
  byId("numbers").textContent = progressLine(progress);
  byId("message").textContent = view.error
    ? `${view.error.code}: ${view.error.message}`
    : progress.message || "";
  const live = !TERMINAL.has(view.status);
  byId("pause").hidden = !live || view.status === "paused";
  byId("resume").hidden = !live || view.status !== "paused" || waiting;
  byId("cancel").hidden = !live;
  showList(byId("steps-box"), byId("steps"), progress.steps_completed || [], String);
  const result = byId("result");
  result.hidden = view.status !== "completed" || view.result == null;
  result.textContent = result.hidden ? "" : compactJson(view.result, 2000);
}

export function renderItems(view) {
  const items = view.items || [];
  byId("items-title").textContent = `Newest results (${view.items_total} in all)`;
  showList(byId("items-box"), byId("items"), items, (item) => `#${item.seq} ${compactJson(item.output)}`);
}

export function renderNotice(text) {
  byId("notice").textContent = text || "";
}
