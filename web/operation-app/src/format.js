// Plain-text formatting of an operation view's numbers.

export const TERMINAL = new Set(["completed", "failed", "cancelled"]);

export function duration(seconds) {
  if (seconds == null) return null;
  if (seconds < 1) return "under 1 s";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function progressLine(progress) {
  const parts = [];
  const total = progress.total_steps;
  const done = progress.current_step;
  parts.push(total == null ? `${done} step${done === 1 ? "" : "s"}` : `${done} / ${total}`);
  if (progress.percentage != null) parts.push(`${progress.percentage.toFixed(0)}%`);
  if (progress.rate_per_second != null) parts.push(`${progress.rate_per_second.toFixed(2)}/s`);
  const eta = duration(progress.eta_seconds);
  if (eta != null) parts.push(`ETA ${eta}`);
  return parts.join(" · ");
}

export function compactJson(value, limit = 300) {
  const text = JSON.stringify(value);
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
