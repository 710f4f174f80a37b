/**
 * Every image's Dockerfile copies every file its bundles need. Each context is staged exactly as
 * `npm run images` stages it, the Dockerfile's COPY lines are applied to an empty folder (the image's
 * filesystem, without a container engine), and then: each bundle's top level runs there with the
 * image's node version (what the Dockerfile's code-cache step does), each external `require` resolves
 * there, and the migrator finds every migrations folder. The real build and run are in
 * images.e2e.test.ts; this catches a left-out file in seconds (the migrator's Dockerfile once left out
 * apps/kit; a kit dependency once read a .wasm beside its code).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../repository-root";
import { applyCopies, copyInstructions, externalRequires } from "./dockerfile-copies";
import { BASE_NODE_VERSION, IMAGES, type ImageDefinition } from "./image-catalog";
import { stageContext } from "./stage";

const work = mkdtempSync(path.join(tmpdir(), "armature-dockerfile-copies-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Externals a bundle may leave unresolved: each is loaded only on a path the image never takes. */
const OPTIONAL_REQUIRES: Readonly<Record<string, string>> = {
  "pg-native": "pg loads it only for its native mode (pg.native), which no app uses",
  "@kubernetes/client-node": "only `migrator job` loads it, and that runs outside the image (apps/migrator/README.md)",
};

async function imageRootOf(image: ImageDefinition, dockerfile = readFileSync(path.join(REPOSITORY_ROOT, image.dockerfile), "utf8")): Promise<string> {
  const context = path.join(work, `${image.name}-context`);
  if (!existsSync(context)) await stageContext(image, context);
  const root = mkdtempSync(path.join(work, `${image.name}-root-`));
  await applyCopies(copyInstructions(dockerfile), context, root);
  return root;
}

function bundlesIn(appDir: string): string[] {
  const top = readdirSync(appDir).filter((file) => file.endsWith(".bundle.js"));
  return existsSync(path.join(appDir, "dist")) ? [...top, ...readdirSync(path.join(appDir, "dist")).filter((file) => file.endsWith(".cjs")).map((file) => `dist/${file}`)] : top;
}

async function unresolvedRequires(appDir: string): Promise<string[]> {
  const unresolved: string[] = [];
  for (const bundle of bundlesIn(appDir)) {
    const requireFrom = createRequire(path.join(appDir, bundle));
    const missing = (await externalRequires(path.join(appDir, bundle))).filter((name) => {
      if (name in OPTIONAL_REQUIRES) return false;
      try {
        requireFrom.resolve(name);
        return false;
      } catch {
        return true;
      }
    });
    unresolved.push(...missing.map((name) => `${bundle} requires ${name}`));
  }
  return unresolved;
}

it("runs with the node version of the image's base", () => {
  expect(process.version, "the bundles' top level is run here with the host's node").toBe(`v${BASE_NODE_VERSION}`);
});

describe.each(IMAGES.map((image) => [image.name, image] as const))("the %s image's Dockerfile", (name, image) => {
  it("copies every file its bundles read: their top level runs in the image's /app, and every external require resolves there", { timeout: 120_000 }, async () => {
    const appDir = path.join(await imageRootOf(image), "app");
    expect(await unresolvedRequires(appDir)).toEqual([]);
    if (image.stage.kind === "bundles") {
      // As the Dockerfile's code-cache step: the bundle's modules initialise, then it exits.
      const run = spawnSync(process.execPath, ["main.js"], { cwd: appDir, env: { PATH: process.env["PATH"], ARMATURE_WRITE_CODE_CACHE: "1" }, encoding: "utf8" });
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      for (const entry of image.stage.entries) expect(existsSync(path.join(appDir, `${entry}.bundle.js`)), `${entry}.bundle.js`).toBe(true);
    } else {
      // The image's entrypoint: node dist/migrator.cjs; it registers tsx (resolved from /app) only for a TypeScript step.
      const run = spawnSync(process.execPath, ["dist/migrator.cjs", "--help"], { cwd: appDir, env: { PATH: process.env["PATH"] }, encoding: "utf8" });
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      const tsx = spawnSync(process.execPath, ["-e", "require.resolve('tsx', { paths: [require('node:path').resolve('dist')] })"], { cwd: appDir, env: { PATH: process.env["PATH"] }, encoding: "utf8" });
      expect(tsx.status, `tsx must resolve from dist/ for TypeScript steps: ${tsx.stderr.slice(-500)}`).toBe(0);
      const databases = readdirSync(path.join(REPOSITORY_ROOT, "migrations"), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
      expect(databases.length).toBeGreaterThan(0);
      expect(databases.filter((database) => !existsSync(path.join(appDir, "migrations", database)))).toEqual([]);
    }
  });
});

describe("the check itself", () => {
  it("fails when a Dockerfile leaves the staged files out", { timeout: 120_000 }, async () => {
    const discovery = IMAGES.find((image) => image.name === "discovery")!;
    const withoutCopy = readFileSync(path.join(REPOSITORY_ROOT, discovery.dockerfile), "utf8").replace(/^COPY app\/ \.\/$/m, "COPY app/main.js ./");
    expect(withoutCopy).not.toMatch(/^COPY app\/ \.\/$/m);
    const appDir = path.join(await imageRootOf(discovery, withoutCopy), "app");
    const run = spawnSync(process.execPath, ["main.js"], { cwd: appDir, env: { PATH: process.env["PATH"], ARMATURE_WRITE_CODE_CACHE: "1" }, encoding: "utf8" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("main.bundle.js");
  });

  it("fails when an asset a bundled package reads is missing", { timeout: 120_000 }, async () => {
    const health = IMAGES.find((image) => image.name === "health")!;
    const appDir = path.join(await imageRootOf(health), "app");
    const assets = readdirSync(appDir).filter((file) => file.endsWith(".wasm"));
    expect(assets.length, "the kit's authoriser reads Cedar's .wasm beside the bundle").toBeGreaterThan(0);
    for (const asset of assets) rmSync(path.join(appDir, asset));
    const run = spawnSync(process.execPath, ["main.js"], { cwd: appDir, env: { PATH: process.env["PATH"], ARMATURE_WRITE_CODE_CACHE: "1" }, encoding: "utf8" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/ENOENT.*\.wasm/);
  });

  it("finds a bundle's external requires: not the builtins, not a require inside a string", async () => {
    const bundle = path.join(work, "sample.bundle.js");
    writeFileSync(bundle, `require("node:fs");require("path");require("pg-native");require("@scope/pkg/sub");const code = 'require("ajv/dist/runtime/equal")';`);
    expect(await externalRequires(bundle)).toEqual(["@scope/pkg", "pg-native"]);
  });

  it("resolves COPY destinations against WORKDIR and skips copies from other stages", () => {
    expect(copyInstructions("FROM x\nWORKDIR /app\nCOPY app/ ./\nCOPY --from=build /out /elsewhere\nCOPY a b /opt/\n")).toEqual([
      { sources: ["app/"], destination: "/app" },
      { sources: ["a", "b"], destination: "/opt" },
    ]);
  });
});
