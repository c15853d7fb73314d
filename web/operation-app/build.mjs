// Bundle the operation app into one self-contained HTML file (run through scripts/build-app).
//
//   node build.mjs                      -> agent_tools/surfaces/mcp/app/operation.html
//                                          and THIRD_PARTY_LICENSES.txt beside it
//   node build.mjs --out DIR            -> the same two files into DIR (the freshness test)
//   node build.mjs --host ENTRY OUTFILE -> a browser bundle of a test host page's script

import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const packaged = path.resolve(here, "../../agent_tools/surfaces/mcp/app");

// zod re-exports its namespace (`export { z }`), so esbuild keeps every export of it,
// including translations of its validation messages into ~50 languages (about 260 KB).
// The app never sets a locale; English, zod's default, is the one kept.
const englishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: "en", namespace: "zod-locales" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-locales" }, () => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: path.join(here, "node_modules/zod/v4/locales"),
    }));
  },
};

async function bundle(entry, extra = {}) {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2022",
    legalComments: "none",
    write: false,
    metafile: true,
    logLevel: "warning",
    plugins: [englishOnly],
    absWorkingDir: here,
    nodePaths: [path.join(here, "node_modules")],
    ...extra,
  });
  return { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}

async function licences(inputs) {
  const roots = new Set();
  for (const input of inputs) {
    const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (match) roots.add(match[1]);
  }
  const sections = [];
  for (const root of [...roots].sort()) {
    const manifest = JSON.parse(await readFile(path.join(here, root, "package.json"), "utf8"));
    const text = await readFile(path.join(here, root, "LICENSE"), "utf8").catch(() =>
      readFile(path.join(here, root, "LICENSE.md"), "utf8"),
    );
    sections.push(`${manifest.name} ${manifest.version} (${manifest.license})\n\n${text.trim()}\n`);
  }
  const header = "Third-party code bundled into operation.html by scripts/build-app.\n";
  return `${header}\n${sections.join(`\n${"=".repeat(78)}\n\n`)}`;
}

async function buildApp(output) {
  const { code, inputs } = await bundle(path.join(here, "src/main.js"));
  const css = (await esbuild.transform(await readFile(path.join(here, "src/style.css"), "utf8"), { loader: "css", minify: true })).code;
  const template = await readFile(path.join(here, "src/index.html"), "utf8");
  // A "</script" inside the bundle would end the inline script early; "<\/" means the same to JS.
  const script = code.replace(/<\/(script)/gi, "<\\/$1");
  const html = template.replace("/*STYLE*/", () => css.trim()).replace("/*SCRIPT*/", () => script.trim());
  await writeFile(path.join(output, "operation.html"), html);
  await writeFile(path.join(output, "THIRD_PARTY_LICENSES.txt"), await licences(inputs));
  console.log(`operation.html: ${html.length} bytes`);
}

async function buildHost(entry, outfile) {
  const { code } = await bundle(path.resolve(entry));
  await writeFile(outfile, code);
}

const [flag, entry, outfile] = process.argv.slice(2);
if (flag === "--host") await buildHost(entry, outfile);
else await buildApp(flag === "--out" ? path.resolve(entry) : packaged);
