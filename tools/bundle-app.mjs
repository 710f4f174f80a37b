#!/usr/bin/env node
// Bundles one app (apps/<app>/main.ts, or another entry point such as cli) into a single JavaScript
// file with esbuild: what its container image runs (see apps/<app>/Dockerfile).
// Usage: node tools/bundle-app.mjs <app> <outfile> [entry]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const [app, outfile, entry = "main"] = process.argv.slice(2);
if (!app || !outfile || !/^[a-z-]+$/.test(app) || !/^[a-z-]+$/.test(entry)) {
  process.stderr.write("usage: node tools/bundle-app.mjs <app> <outfile> [entry]   (app: a folder under apps/, e.g. discovery; entry: apps/<app>/<entry>.ts, default main)\n");
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: [path.join(root, "apps", app, `${entry}.ts`)],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  outfile,
  sourcemap: true,
  // Optional native bindings the pure-JS clients only load when asked to.
  external: ["pg-native"],
  logLevel: "warning",
});
