/**
 * Installs the stand-in `pulumi-language-nodejs` into a folder on the PATH of the Pulumi CLI.
 *
 * The CLI starts a language host several times per command (plugin discovery, the run, each policy
 * pack), and waits for its port each time. Through tsx every start would compile these sources and
 * load tsx first; so the host is bundled once with esbuild into one CommonJS file (cached under
 * node_modules/.cache, named by a hash of the sources so an edit rebuilds it), and the installed
 * executable is a two-line shell script that runs that bundle with node.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildSync, version as esbuildVersion } from "esbuild";
import { REPOSITORY_ROOT } from "../../../repository-root";

export const LANGUAGE_HOST_EXECUTABLE = "pulumi-language-nodejs";

const SOURCE_DIR = __dirname;
const CACHE_DIR = path.join(REPOSITORY_ROOT, "node_modules", ".cache", "armature-language-host");

function sourceFiles(): string[] {
  return readdirSync(SOURCE_DIR)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .sort()
    .map((file) => path.join(SOURCE_DIR, file));
}

/** Builds the bundle unless one of the same sources exists; returns its path. */
export function buildLanguageHostBundle(): string {
  const hash = createHash("sha256").update(`esbuild ${esbuildVersion}\n`);
  for (const file of sourceFiles()) hash.update(`${path.basename(file)}\n`).update(readFileSync(file));
  const bundle = path.join(CACHE_DIR, `language-host-${hash.digest("hex").slice(0, 16)}.cjs`);
  if (existsSync(bundle)) return bundle;
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written beside and renamed: a concurrent reader never sees half a bundle.
  const partial = `${bundle}.${process.pid}.partial`;
  buildSync({
    entryPoints: [path.join(SOURCE_DIR, "main.ts")],
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

/** Writes `<binDir>/pulumi-language-nodejs` and returns its path. */
export function installLanguageHost(binDir: string): string {
  const bundle = buildLanguageHostBundle();
  mkdirSync(binDir, { recursive: true });
  const executable = path.join(binDir, LANGUAGE_HOST_EXECUTABLE);
  writeFileSync(
    executable,
    `#!/bin/sh\n# The stand-in Node.js language host (tools/test-services/stand-ins/language-host).\nexec ${shellQuote(process.execPath)} ${shellQuote(bundle)} "$@"\n`,
  );
  chmodSync(executable, 0o755);
  return executable;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
