/**
 * The stand-ins run as plugins the Pulumi CLI starts several times per command, each time waiting
 * for its port. Through tsx every start would compile the TypeScript first; so each stand-in is
 * bundled once with esbuild into one CommonJS file under
 * ${ARMATURE_CACHE_DIR:-~/.cache/armature}/stand-ins/, named by a hash of its sources and of the
 * packages bundled in (an edit or an upgrade makes a new bundle), and launched by a `#!/bin/sh`
 * script that runs it with node.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSync, version as esbuildVersion } from "esbuild";

export function standInCacheDir(): string {
  return path.join(process.env["ARMATURE_CACHE_DIR"] ?? path.join(os.homedir(), ".cache", "armature"), "stand-ins");
}

/** The TypeScript sources below `dir`, tests left out, in a stable order. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(file);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [file] : [];
    })
    .sort();
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
}

/** Bundles `<sourceDir>/main.ts` unless a bundle of the same inputs exists; returns its path. */
export function buildStandInBundle(name: string, sourceDir: string, bundledPackages: readonly string[]): string {
  const hash = createHash("sha256").update(`esbuild ${esbuildVersion}\n`);
  for (const dependency of bundledPackages) hash.update(`${dependency}@${packageVersion(dependency)}\n`);
  for (const file of sourceFiles(sourceDir)) hash.update(`${path.relative(sourceDir, file)}\n`).update(readFileSync(file));
  const bundle = path.join(standInCacheDir(), `${name}-${hash.digest("hex").slice(0, 16)}.cjs`);
  if (existsSync(bundle)) return bundle;
  mkdirSync(path.dirname(bundle), { recursive: true });
  // Written beside and renamed: a concurrent reader never sees half a bundle.
  const partial = `${bundle}.${process.pid}.partial`;
  buildSync({
    entryPoints: [path.join(sourceDir, "main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outfile: partial,
    logLevel: "warning",
    minifyWhitespace: true,
    minifySyntax: true,
  });
  renameSync(partial, bundle);
  return bundle;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Writes an executable `file` that runs `bundle` with this node and `args` before its own. */
export function writeNodeLauncher(file: string, bundle: string, args: readonly string[], description: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const command = [process.execPath, bundle, ...args].map(shellQuote).join(" ");
  writeFileSync(file, `#!/bin/sh\n# ${description}\nexec ${command} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}
