/**
 * Makes an image's build context: `<context>/app/`, the files the Dockerfile copies to /app. The apps
 * are bundled here, on the host, with the repository's own node_modules (tools/bundle-app.mjs,
 * esbuild), not in a build stage: a build stage would need a Node image with npm from a registry and
 * `npm ci` of every dependency in each build. The Dockerfiles then only copy `app/` onto the base and
 * write the V8 code cache with the image's own node.
 */
import { spawn } from "node:child_process";
import { cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { REPOSITORY_ROOT } from "../repository-root";
import type { ImageDefinition } from "./image-catalog";

/** Packages the migrator's bundle leaves out: libpg-query ships WebAssembly beside its JS; tsx loads TypeScript steps. */
export const MIGRATOR_RUNTIME_PACKAGES = ["libpg-query", "tsx"] as const;

export async function stageContext(image: ImageDefinition, contextDir: string): Promise<void> {
  await rm(contextDir, { recursive: true, force: true });
  const appDir = path.join(contextDir, "app");
  await mkdir(appDir, { recursive: true });
  if (image.stage.kind === "bundles") {
    for (const entry of image.stage.entries) await bundleApp(image.name, entry, path.join(appDir, `${entry}.js`));
    for (const entry of image.stage.entries) await copyBundleAssets(path.join(appDir, `${entry}.bundle.js`));
  } else {
    await stageMigrator(appDir);
  }
}

function bundleApp(app: string, entry: string, outfile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPOSITORY_ROOT, "tools/bundle-app.mjs"), app, outfile, entry], { stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`bundling ${app}/${entry} failed (exit ${code}):\n${stderr.trim()}`))));
  });
}

/**
 * Files bundled packages read beside their own code at run time (`${__dirname}/x`): in a bundle,
 * __dirname is the bundle's folder, so each goes next to it. Copied when a bundle names it.
 */
export const BUNDLE_ASSETS: readonly string[] = [
  // Cedar's WebAssembly, read by its Node.js loader when apps/kit/authorisation is imported.
  "@cedar-policy/cedar-wasm/nodejs/cedar_wasm_bg.wasm",
];

async function copyBundleAssets(bundle: string): Promise<void> {
  const text = await readFile(bundle, "utf8");
  for (const asset of BUNDLE_ASSETS) {
    const name = path.basename(asset);
    if (text.includes(name)) await cp(path.join(REPOSITORY_ROOT, "node_modules", asset), path.join(path.dirname(bundle), name));
  }
}

/** The migrator CLI in one file, its two runtime packages (with what they depend on), and migrations/. */
async function stageMigrator(appDir: string): Promise<void> {
  await build({
    entryPoints: [path.join(REPOSITORY_ROOT, "apps/migrator/src/cli/main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // @kubernetes/client-node: only `migrator job` needs it, and it runs outside the image (apps/migrator/README.md).
    external: [...MIGRATOR_RUNTIME_PACKAGES, "pg-native", "@kubernetes/client-node"],
    outfile: path.join(appDir, "dist/migrator.cjs"),
    absWorkingDir: REPOSITORY_ROOT,
    logLevel: "warning",
  });
  await copyBundleAssets(path.join(appDir, "dist/migrator.cjs"));
  const packages = await dependencyClosure(MIGRATOR_RUNTIME_PACKAGES);
  for (const name of packages) {
    await cp(path.join(REPOSITORY_ROOT, "node_modules", name), path.join(appDir, "node_modules", name), { recursive: true, dereference: true });
  }
  const versions: Record<string, string> = {};
  for (const name of MIGRATOR_RUNTIME_PACKAGES) versions[name] = (await packageJson(name)).version;
  await writeFile(path.join(appDir, "package.json"), `${JSON.stringify({ name: "armature-migrator-image", private: true, dependencies: versions }, null, 2)}\n`);
  await cp(path.join(REPOSITORY_ROOT, "migrations"), path.join(appDir, "migrations"), {
    recursive: true,
    // The generated query types are for the apps' code, not steps the migrator runs.
    filter: (source) => path.basename(source) !== "schema.generated.ts",
  });
}

interface PackageJson {
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

async function packageJson(name: string): Promise<PackageJson> {
  return JSON.parse(await readFile(path.join(REPOSITORY_ROOT, "node_modules", name, "package.json"), "utf8")) as PackageJson;
}

async function installed(name: string): Promise<boolean> {
  try {
    await readdir(path.join(REPOSITORY_ROOT, "node_modules", name));
    return true;
  } catch {
    return false;
  }
}

/**
 * The packages and everything they depend on, as installed from the lockfile (the hoisted
 * node_modules layout): the image gets exactly the versions the tests ran with, and no download.
 * Optional dependencies are taken when installed (esbuild's platform binary), skipped otherwise.
 */
async function dependencyClosure(roots: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    if (!(await installed(name))) {
      if (roots.includes(name)) throw new Error(`${name} is not installed: run npm ci first`);
      continue;
    }
    seen.add(name);
    const manifest = await packageJson(name);
    queue.push(...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {}));
  }
  return [...seen].sort();
}
