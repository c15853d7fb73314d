"use strict";
// An inline SVG chart of progress (left axis) and rate (right axis) over time. No library.
const progressChart = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const HEIGHT = 220, PAD = { left: 48, right: 56, top: 12, bottom: 28 };

  function element(name, attributes, text) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function path(points, className) {
    if (!points.length) return null;
    const d = points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
    return element("path", { d, class: className, fill: "none" });
  }

  function draw(container, samples) {
    // Drawn at the container's own width, so text keeps its size on any screen.
    const WIDTH = Math.max(360, container.clientWidth || 720);
    const svg = element("svg", {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "chart-svg", role: "img",
      "aria-label": "progress and rate over time",
    });
    const innerW = WIDTH - PAD.left - PAD.right, innerH = HEIGHT - PAD.top - PAD.bottom;
    svg.appendChild(element("rect", { x: PAD.left, y: PAD.top, width: innerW, height: innerH, class: "plot" }));
    if (samples.length) {
      const t0 = samples[0].at, t1 = Math.max(samples[samples.length - 1].at, t0 + 1);
      const total = samples.reduce((most, s) => Math.max(most, s.total_steps || 0, s.current_step), 1);
      const topRate = samples.reduce((most, s) => Math.max(most, s.rate_per_second || 0), 0) || 1;
      const x = (at) => PAD.left + ((at - t0) / (t1 - t0)) * innerW;
      const yLeft = (step) => PAD.top + innerH - (step / total) * innerH;
      const yRight = (value) => PAD.top + innerH - (value / topRate) * innerH;
      const steps = path(samples.map((s) => [x(s.at), yLeft(s.current_step)]), "line-progress");
      const rated = samples.filter((s) => s.rate_per_second !== null);
      const rates = path(rated.map((s) => [x(s.at), yRight(s.rate_per_second)]), "line-rate");
      if (steps) svg.appendChild(steps);
      if (rates) svg.appendChild(rates);
      const axis = (label, xPos, yPos, anchor, className) =>
        svg.appendChild(element("text", { x: xPos, y: yPos, "text-anchor": anchor, class: className }, label));
      axis(`${total}`, PAD.left - 6, PAD.top + 10, "end", "axis progress");
      axis("0", PAD.left - 6, PAD.top + innerH, "end", "axis");
      axis(ui.rate(topRate), WIDTH - PAD.right + 6, PAD.top + 10, "start", "axis rate");
      axis(new Date(t0 * 1000).toLocaleTimeString(), PAD.left, HEIGHT - 8, "start", "axis");
      axis(new Date(t1 * 1000).toLocaleTimeString(), WIDTH - PAD.right, HEIGHT - 8, "end", "axis");
      axis("— steps done", PAD.left + 8, PAD.top + 16, "start", "legend progress");
      axis("- - steps per second", PAD.left + 8, PAD.top + 30, "start", "legend rate");
    } else {
      svg.appendChild(element("text", { x: WIDTH / 2, y: HEIGHT / 2, "text-anchor": "middle", class: "axis" },
        "No samples yet"));
    }
    container.replaceChildren(svg);
    container.dataset.points = String(samples.length);
  }

  return { draw };
})();
