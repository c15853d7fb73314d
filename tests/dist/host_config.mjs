// Resolve an MCP bundle's server command the way Claude Desktop does, with the official
// @anthropic-ai/mcpb library (variable substitution, user_config defaults, list expansion).
// Usage: node host_config.mjs MCPB_INDEX_JS EXTENSION_DIR USER_CONFIG_JSON  (prints JSON)
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";

const [library, extensionPath, userConfigJson] = process.argv.slice(2);
const { getMcpConfigForManifest } = await import(pathToFileURL(library).href);
const manifest = JSON.parse(readFileSync(join(extensionPath, "manifest.json"), "utf8"));
const home = homedir();
const config = await getMcpConfigForManifest({
  manifest,
  extensionPath,
  systemDirs: {
    HOME: home,
    DESKTOP: join(home, "Desktop"),
    DOCUMENTS: join(home, "Documents"),
    DOWNLOADS: join(home, "Downloads"),
  },
  userConfig: JSON.parse(userConfigJson),
  pathSeparator: sep,
});
process.stdout.write(JSON.stringify(config ?? null));
