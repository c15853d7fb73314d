"use strict";
// Shared by the pages: formatting, the signed-in session, and CSRF-safe POSTs.
const ui = (() => {
  let session = null;

  async function loadSession() {
    const response = await fetch("/ui/api/session", { credentials: "same-origin" });
    if (response.status === 401) {
      window.location.assign("/ui/login");
      throw new Error("not signed in");
    }
    session = await response.json();
    showWho(session);
    return session;
  }

  function showWho(current) {
    const who = document.getElementById("who");
    if (!who) return;
    who.textContent = current.open ? "local (no auth)" : `${current.principal} · ${current.role}`;
    if (!current.open) {
      const form = document.createElement("form");
      form.method = "post";
      form.action = "/ui/logout";
      const button = document.createElement("button");
      button.type = "submit";
      button.textContent = "Sign out";
      form.appendChild(button);
      who.appendChild(form);
    }
  }

  async function post(path) {
    const headers = { "Content-Type": "application/json" };
    if (session && session.csrf_token) headers["X-CSRF-Token"] = session.csrf_token;
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers,
      body: "{}",
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? `${body.error.message} ${body.error.hint}` : response.statusText);
    return body;
  }

  async function getJson(path) {
    const response = await fetch(path, { credentials: "same-origin" });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
    return body;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    if (seconds < 1) return "<1s";
    const s = Math.round(seconds);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    if (h) return `${h}h ${m}m`;
    if (m) return `${m}m ${r}s`;
    return `${r}s`;
  }

  function rate(perSecond) {
    if (perSecond === null || perSecond === undefined) return "–";
    return perSecond >= 10 ? `${perSecond.toFixed(0)}/s` : `${perSecond.toFixed(2)}/s`;
  }

  function steps(current, total) {
    return total === null || total === undefined ? `${current}` : `${current} / ${total}`;
  }

  function percent(progress) {
    if (progress.percentage !== null && progress.percentage !== undefined) return progress.percentage;
    return progress.status === "completed" ? 100 : null;
  }

  function time(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : "–";
  }

  function setBar(fill, label, value, status) {
    fill.style.width = `${value === null ? 0 : Math.max(0, Math.min(100, value))}%`;
    fill.className = `fill ${status}`;
    if (label) label.textContent = value === null ? "" : `${value.toFixed(1)}%`;
  }

  function connection(state) {
    const element = document.getElementById("connection");
    if (element) {
      element.textContent = state;
      element.dataset.state = state;
    }
  }

  return { loadSession, post, getJson, duration, rate, steps, percent, time, setBar, connection };
})();
