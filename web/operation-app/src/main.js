// The operation app: follows one operation through the host's tool calls.
//
// The host hands over the tool result that opened the app (an operation view).
// From then on the app long-polls get_progress with wait_ms, reads the newest items
// with the app-only get_latest_results, and sends pause, resume, cancel and answers
// (provide_input) as tool calls through the host.

import {
  App,
  applyDocumentTheme,
  applyHostFonts,
  applyHostStyleVariables,
} from "@modelcontextprotocol/ext-apps";
import { TERMINAL } from "./format.js";
import { renderQuestions } from "./questions.js";
import { renderItems, renderNotice, renderView } from "./render.js";

const WAIT_MS = 15000; // below every host's tool-call timeout we know of
const MIN_POLL_INTERVAL_MS = 1000; // never more than one poll a second, whatever the host does
const LATEST_ITEMS = 5;

const app = new App({ name: "agent-tools-operation", version: "1.0.0" }, {});
const state = { view: null, itemsShown: -1, watching: false, closed: false, questionsKey: "" };

function viewOf(result) {
  const content = result && result.structuredContent;
  return content && typeof content.operation_id === "string" ? content : null;
}

function errorText(result) {
  const first = (result.content || []).find((block) => block.type === "text");
  return first ? first.text : "The tool call failed.";
}

async function call(name, args) {
  try {
    const result = await app.callServerTool({ name, arguments: args });
    if (result.isError) {
      renderNotice(errorText(result));
      return null;
    }
    return viewOf(result);
  } catch (error) {
    renderNotice(`${name} could not be called: ${error.message || error}`);
    return null;
  }
}

async function refreshItems() {
  const view = state.view;
  if (view.items_total === state.itemsShown) return;
  const latest = await call("get_latest_results", { operation_id: view.operation_id, limit: LATEST_ITEMS });
  if (latest) {
    state.itemsShown = latest.items_total;
    renderItems(latest);
  }
}

function answerQuestion(key, response) {
  const id = state.view.operation_id;
  act(() => call("provide_input", { operation_id: id, responses: { [key]: response } }));
}

async function show(view) {
  state.view = view;
  renderView(view);
  const requests = view.input_requests || {};
  const questionsKey = Object.keys(requests).sort().join("|");
  if (questionsKey !== state.questionsKey) {
    state.questionsKey = questionsKey;
    renderQuestions(document.getElementById("questions"), requests, answerQuestion);
  }
  await refreshItems();
}

function live(view) {
  return view && (view.status === "running" || view.status === "pending");
}

async function watch() {
  if (state.watching) return;
  state.watching = true;
  try {
    while (!state.closed && live(state.view)) {
      const started = Date.now();
      const id = state.view.operation_id;
      const next = await call("get_progress", { operation_id: id, wait_ms: WAIT_MS });
      if (next) {
        renderNotice("");
        await show(next);
      }
      const spent = Date.now() - started;
      if (spent < MIN_POLL_INTERVAL_MS) await new Promise((done) => setTimeout(done, MIN_POLL_INTERVAL_MS - spent));
    }
  } finally {
    state.watching = false;
  }
}

async function act(request) {
  const buttons = document.querySelectorAll("button");
  for (const button of buttons) button.disabled = true;
  try {
    const view = await request();
    if (view) {
      renderNotice("");
      await show(view);
    }
  } finally {
    for (const button of buttons) button.disabled = false;
  }
  watch();
}

function applyContext(context) {
  if (!context) return;
  if (context.theme) applyDocumentTheme(context.theme);
  if (context.styles && context.styles.variables) applyHostStyleVariables(context.styles.variables);
  if (context.styles && context.styles.css && context.styles.css.fonts) applyHostFonts(context.styles.css.fonts);
}

const operationId = () => state.view.operation_id;
document.getElementById("pause").addEventListener("click", () => act(() => call("pause", { operation_id: operationId() })));
document.getElementById("resume").addEventListener("click", () => act(() => call("resume", { operation_id: operationId() })));
document.getElementById("cancel").addEventListener("click", () =>
  act(() => call("cancel", { operation_id: operationId(), reason: "cancelled from the operation app" })),
);

app.addEventListener("toolresult", async (result) => {
  const view = viewOf(result);
  if (!view) {
    renderNotice(result.isError ? errorText(result) : "This tool result is not an operation.");
    return;
  }
  await show(view);
  if (!TERMINAL.has(view.status)) watch();
});
app.addEventListener("hostcontextchanged", applyContext);
app.onteardown = async () => {
  state.closed = true;
  return {};
};

app.connect().then(
  () => applyContext(app.getHostContext()),
  (error) => renderNotice(`Could not connect to the host: ${error.message || error}`),
);
