// A test host for the operation app, built on the host side of @modelcontextprotocol/ext-apps.
//
// It plays the chat client: connects to the MCP server (through the page's own origin),
// calls a tool as the model would, and renders the tool's ui:// resource in a sandbox
// proxy on another origin, which loads the app under the CSP the resource declares.
// window.host is what the playwright test drives.

import { AppBridge, PostMessageTransport, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/app-bridge";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const EXTENSION_ID = "io.modelcontextprotocol/ui";
const SANDBOX_ORIGIN = `http://localhost:${location.port}`;

const THEMES = {
  light: { "--color-background-primary": "#fbfbfa", "--color-text-primary": "#202020", "--color-background-info": "#2563eb" },
  dark: { "--color-background-primary": "#17181a", "--color-text-primary": "#ececec", "--color-background-info": "#60a5fa" },
};

const appCalls = [];
let client;

async function connect() {
  if (client) return client;
  client = new Client(
    { name: "agent-tools-test-host", version: "1.0.0" },
    { capabilities: { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", location.href)));
  return client;
}

function sandboxFrame(theme) {
  const frame = document.createElement("iframe");
  frame.sandbox = "allow-scripts allow-same-origin";
  frame.style.cssText = "width:560px;height:200px;border:1px solid #8884;border-radius:8px;display:block";
  document.body.style.background = theme === "dark" ? "#101113" : "#ffffff";
  document.getElementById("chat").append(frame);
  return frame;
}

async function render(tool, toolArgs, result, theme) {
  const uri = tool._meta.ui.resourceUri;
  const read = await client.readResource({ uri });
  const content = read.contents[0];
  if (content.mimeType !== RESOURCE_MIME_TYPE) throw new Error(`unexpected MIME type ${content.mimeType}`);
  const tools = new Map((await client.listTools()).tools.map((each) => [each.name, each]));
  const frame = sandboxFrame(theme);
  const bridge = new AppBridge(null, { name: "agent-tools-test-host", version: "1.0.0" }, { serverTools: {}, logging: {} }, {
    hostContext: { theme, styles: { variables: THEMES[theme] }, displayMode: "inline", containerDimensions: { width: 560, maxHeight: 600 } },
  });
  // The spec's rule for hosts: an app may call only tools whose visibility includes "app".
  bridge.oncalltool = async (params) => {
    appCalls.push({ name: params.name, arguments: params.arguments });
    const visibility = tools.get(params.name)?._meta?.ui?.visibility ?? ["model", "app"];
    if (!visibility.includes("app")) throw new Error(`${params.name} is not visible to apps`);
    return client.callTool(params);
  };
  bridge.onsizechange = ({ height }) => {
    if (height != null) frame.style.height = `${height + 2}px`;
  };
  const ready = new Promise((done) => bridge.addEventListener("sandboxready", done));
  const initialized = new Promise((done) => bridge.addEventListener("initialized", done));
  // Listen before the sandbox loads: it announces itself as soon as its script runs.
  await bridge.connect(new PostMessageTransport(frame.contentWindow, frame.contentWindow));
  frame.src = `${SANDBOX_ORIGIN}/sandbox.html`;
  await ready;
  await bridge.sendSandboxResourceReady({ html: content.text, csp: content._meta?.ui?.csp });
  await initialized;
  await bridge.sendToolInput({ arguments: toolArgs });
  await bridge.sendToolResult(result);
  return bridge;
}

window.host = {
  appCalls,
  /** Call `name` as the model would and render its app; returns the tool result. */
  async run(name, toolArgs, theme = "light") {
    await connect();
    const tool = (await client.listTools()).tools.find((each) => each.name === name);
    if (!tool?._meta?.ui?.resourceUri) throw new Error(`${name} has no app`);
    const result = await client.callTool({ name, arguments: toolArgs });
    window.bridge = await render(tool, toolArgs, result, theme);
    return result.structuredContent;
  },
  async tools() {
    await connect();
    return (await client.listTools()).tools;
  },
};
window.hostReady = true;
