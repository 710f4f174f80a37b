#!/usr/bin/env node
// Writes the migrator image's package.json: only the packages the bundle leaves out (libpg-query
// ships WebAssembly beside its JS; tsx loads TypeScript steps), at the versions of the repository's
// lockfile. Usage: node runtime-package.mjs <package-lock.json> <out/package.json>
import { readFileSync, writeFileSync } from "node:fs";

const [lockFile, outFile] = process.argv.slice(2);
if (!lockFile || !outFile) {
  process.stderr.write("usage: runtime-package.mjs <package-lock.json> <out/package.json>\n");
  process.exit(2);
}
const { packages } = JSON.parse(readFileSync(lockFile, "utf8"));
const version = (name) => {
  const entry = packages[`node_modules/${name}`];
  if (!entry) throw new Error(`${name} is not in ${lockFile}`);
  return entry.version;
};
const runtime = { name: "armature-migrator-image", private: true, dependencies: { "libpg-query": version("libpg-query"), tsx: version("tsx") } };
writeFileSync(outFile, `${JSON.stringify(runtime, null, 2)}\n`);
