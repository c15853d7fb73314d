// The sandbox proxy of the test host (on its own origin, as the MCP Apps spec asks of web
// hosts): it loads the app's HTML into an inner frame under the CSP the resource declared,
// and relays every message between host and app except its own sandbox-* notifications.

const READY = "ui/notifications/sandbox-proxy-ready";
const RESOURCE_READY = "ui/notifications/sandbox-resource-ready";

function policy(csp = {}) {
  const list = (domains, fallback) => (domains && domains.length ? domains.join(" ") : fallback);
  const resources = list(csp.resourceDomains, "");
  return [
    "default-src 'none'",
    `script-src 'unsafe-inline' ${resources}`,
    `style-src 'unsafe-inline' ${resources}`,
    `img-src data: ${resources}`,
    `font-src ${resources || "'none'"}`,
    `media-src data: ${resources}`,
    `connect-src ${list(csp.connectDomains, "'none'")}`,
    `frame-src ${list(csp.frameDomains, "'none'")}`,
    "object-src 'none'",
    `base-uri ${list(csp.baseUriDomains, "'none'")}`,
  ].join("; ");
}

let inner;
window.addEventListener("message", (event) => {
  const message = event.data;
  if (event.source === window.parent) {
    if (message && message.method === RESOURCE_READY) {
      const meta = `<meta http-equiv="Content-Security-Policy" content="${policy(message.params.csp)}">`;
      inner = document.createElement("iframe");
      inner.sandbox = "allow-scripts allow-forms";
      inner.srcdoc = message.params.html.replace(/<head>/i, (head) => `${head}${meta}`);
      document.body.append(inner);
    } else if (inner) {
      inner.contentWindow.postMessage(message, "*");
    }
  } else if (inner && event.source === inner.contentWindow) {
    window.parent.postMessage(message, "*");
  }
});
window.parent.postMessage({ jsonrpc: "2.0", method: READY, params: {} }, "*");
