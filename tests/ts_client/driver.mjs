// Drives a real agent-tools server with the official TypeScript MCP SDK client and prints
// one JSON object of what it saw, for tests/ts_client/test_typescript_client.py to check.
//   node driver.mjs stdio <command> <args...>      (environment passed through)
//   node driver.mjs http <url>
// Error cases come from error_cases.json beside this file; "$completed" stands for the id
// of the operation the happy path finished.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const [mode, ...target] = process.argv.slice(2);
const transport =
  mode === "stdio"
    ? new StdioClientTransport({ command: target[0], args: target.slice(1), env: process.env, stderr: "inherit" })
    : new StreamableHTTPClientTransport(new URL(target[0]));
const client = new Client({ name: "agent-tools-ts-test", version: "1.0.0" });
await client.connect(transport);

const seen = { tools: [], progress: [], resumes: 0, items: [], pages: [], errors: [] };
const listed = await client.listTools();
seen.tools = listed.tools.map((tool) => ({ name: tool.name, hasOutputSchema: Boolean(tool.outputSchema) }));

const callOptions = { timeout: 60000, resetTimeoutOnProgress: true };
let view = (
  await client.callTool(
    {
      name: "execute_incrementally",
      arguments: {
        operation_type: "counter",
        input: { total_items: 40, items_per_chunk: 2, chunk_delay_ms: 15 },
        budget_ms: 150,
      },
    },
    undefined,
    { ...callOptions, onprogress: (progress) => seen.progress.push(progress.progress) },
  )
).structuredContent;
seen.items.push(...view.items.map((item) => item.seq));
while ((view.status !== "completed" || view.has_more) && seen.resumes < 100) {
  seen.resumes += 1;
  const next = { operation_id: view.operation_id, cursor: view.next_cursor };
  const call =
    view.status === "completed"
      ? { name: "get_results", arguments: next }
      : { name: "resume", arguments: { ...next, budget_ms: 150 } };
  view = (await client.callTool(call, undefined, callOptions)).structuredContent;
  seen.items.push(...view.items.map((item) => item.seq));
}
seen.final = { status: view.status, result: view.result };
const completed = view.operation_id;

let cursor;
do {
  const page = (
    await client.callTool({ name: "get_results", arguments: { operation_id: completed, cursor, limit: 7 } })
  ).structuredContent;
  seen.pages.push(page.items.map((item) => item.seq));
  cursor = page.has_more ? page.next_cursor : undefined;
} while (cursor !== undefined && seen.pages.length < 50);

const resources = await client.listResources();
seen.resources = resources.resources.map((resource) => resource.uri);
const read = await client.readResource({ uri: `agent-tools://operations/${completed}` });
seen.resource = { mimeType: read.contents[0].mimeType, status: JSON.parse(read.contents[0].text).status };

seen.subscription = await followBySubscription();

const cases = JSON.parse(readFileSync(new URL("./error_cases.json", import.meta.url), "utf8"));
for (const errorCase of cases) {
  const text = JSON.stringify(errorCase.arguments).replaceAll('"$completed"', JSON.stringify(completed));
  try {
    const result = await client.callTool({ name: errorCase.tool, arguments: JSON.parse(text) });
    const blocks = result.content.filter((block) => block.type === "text").map((block) => block.text);
    seen.errors.push({ name: errorCase.name, isError: result.isError === true, text: blocks });
  } catch (thrown) {
    seen.errors.push({ name: errorCase.name, thrown: String(thrown) });
  }
}
await client.close();
process.stdout.write(JSON.stringify(seen) + "\n");

// resources/subscribe on an agent task's resource: each recorded step must be announced by
// notifications/resources/updated before the next is recorded (waiting with a deadline).
async function followBySubscription() {
  const updates = [];
  let wake = () => {};
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
    updates.push(notification.params.uri);
    wake();
  });
  const waitForUpdates = async (count) => {
    const deadline = Date.now() + 30000;
    while (updates.length < count && Date.now() < deadline) {
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, 500);
      });
    }
  };
  const steps = ["first", "second"];
  const started = (
    await client.callTool({
      name: "execute_incrementally",
      arguments: { operation_type: "agent_task", input: { goal: "follow me", steps } },
    })
  ).structuredContent;
  const uri = `agent-tools://operations/${started.operation_id}`;
  const followed = { advertised: client.getServerCapabilities()?.resources?.subscribe === true, uri, steps: [] };
  await client.subscribeResource({ uri });
  for (const [index, step] of steps.entries()) {
    const completed = index === steps.length - 1;
    await client.callTool({
      name: "record_progress",
      arguments: { operation_id: started.operation_id, completed_steps: [step], completed },
    });
    await waitForUpdates(index + 1);
    const read = await client.readResource({ uri });
    followed.steps.push(JSON.parse(read.contents[0].text).progress.current_step);
  }
  await client.unsubscribeResource({ uri });
  followed.updates = updates;
  return followed;
}
