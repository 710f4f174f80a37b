#!/usr/bin/env node
// Bundles one app (apps/<app>/main.ts, or another entry point such as cli) with esbuild into what its
// container image runs (see apps/service.Dockerfile, apps/worker/Dockerfile):
//   <name>.bundle.js (+ .map)  the app and its dependencies in one file; stack traces are mapped to
//                              the TypeScript sources on first use (source-map-support), not at start
//   <name>.js                  the entry point: runs the bundle with its V8 code cache when there is one
// The code cache (<name>.bundle.js.cache) is made by the image build, with the image's own node:
//   ARMATURE_WRITE_CODE_CACHE=1 node <name>.js
// Usage: node tools/bundle-app.mjs <app> <outfile> [entry]      (outfile: <dir>/<name>.js)
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import sourceMap from "source-map";

const [app, outfile, entry = "main"] = process.argv.slice(2);
if (!app || !outfile?.endsWith(".js") || !/^[a-z-]+$/.test(app) || !/^[a-z-]+$/.test(entry)) {
  process.stderr.write("usage: node tools/bundle-app.mjs <app> <outfile.js> [entry]   (app: a folder under apps/, e.g. discovery; entry: apps/<app>/<entry>.ts, default main)\n");
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bundle = outfile.replace(/\.js$/, ".bundle.js");

await build({
  stdin: {
    // Node's --enable-source-maps parses the whole map before the app starts (about 200 ms for a
    // bundle this size); source-map-support reads it only when a stack trace is first formatted
    // (and the map keeps only the repository's own code, below, so that first read is quick too).
    contents: [
      `require("source-map-support").install({ environment: "node", handleUncaughtExceptions: false });`,
      `require(${JSON.stringify(`./apps/${app}/${entry}.ts`)});`,
    ].join("\n"),
    resolveDir: root,
    sourcefile: `apps/${app}/${entry}.bundle-entry.js`,
    loader: "js",
  },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  outfile: bundle,
  sourcemap: true,
  // Stack traces need the mappings only; the sources are in the repository.
  sourcesContent: false,
  // Optional native bindings the pure-JS clients only load when asked to.
  external: ["pg-native"],
  logLevel: "warning",
  // Less to read and parse at start; identifiers keep their names, so stack frames in dependencies
  // (which the map below leaves unmapped) still name their functions.
  minifyWhitespace: true,
  minifySyntax: true,
});
keepOwnMappings(`${bundle}.map`);
// Cedar's engine (apps/kit/authorisation) loads its WebAssembly from beside the module that requires
// it; in the bundle that is the bundle's own folder.
copyFileSync(path.join(root, "node_modules/@cedar-policy/cedar-wasm/nodejs/cedar_wasm_bg.wasm"), path.join(path.dirname(bundle), "cedar_wasm_bg.wasm"));

/**
 * Drops the mappings into node_modules: stack frames in the repository's code map to the TypeScript
 * sources; frames in dependencies keep their bundle positions and function names. The map shrinks to
 * about 1 %, so the first stack trace a running app formats does not stall it on megabytes of mappings.
 */
function keepOwnMappings(mapFile) {
  const consumer = new sourceMap.SourceMapConsumer(JSON.parse(readFileSync(mapFile, "utf8")));
  const generator = new sourceMap.SourceMapGenerator({ file: path.basename(bundle) });
  consumer.eachMapping((mapping) => {
    if (!mapping.source || mapping.source.includes("node_modules/")) return;
    generator.addMapping({
      generated: { line: mapping.generatedLine, column: mapping.generatedColumn },
      original: { line: mapping.originalLine, column: mapping.originalColumn },
      source: mapping.source,
      name: mapping.name ?? undefined,
    });
  });
  writeFileSync(mapFile, generator.toString());
}

// The entry point compiles the bundle itself so that it can hand V8 the code cache: V8 then skips
// parsing and compiling most of the bundle at start. A cache made by another node build is rejected
// by V8, and the bundle is compiled as it would be without one.
writeFileSync(
  outfile,
  `"use strict";
// Written by tools/bundle-app.mjs: runs ${path.basename(bundle)} with its V8 code cache, when there is one.
const { readFileSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const vm = require("node:vm");
const bundle = __filename.replace(/\\.js$/, ".bundle.js");
const cacheFile = bundle + ".cache";
const writing = process.env.ARMATURE_WRITE_CODE_CACHE === "1";
let cachedData;
if (!writing) {
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no code cache: compile from source
  }
}
const source = "(function (exports, require, module, __filename, __dirname) {" + readFileSync(bundle, "utf8") + "\\n})";
const script = new vm.Script(source, { filename: bundle, cachedData });
if (script.cachedDataRejected) process.emitWarning(cacheFile + " was made by another node build; compiling without it");
const bundleModule = { exports: {} };
script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule, bundle, __dirname);
if (writing) {
  // The bundle's top level has run (every module initialised, the app's start only scheduled): the
  // cache now holds the code a start needs first. Exit before the start goes any further.
  writeFileSync(cacheFile, script.createCachedData());
  process.exit(0);
}
`,
);
