import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stagingModules } from "./build-steps";
import { builtDir, cachedBuild } from "./cached-build";
import { type PulumiRecipe, recipeDir } from "./recipes";

let cache: string;
const previousCache = process.env["ARMATURE_CACHE_DIR"];
const lines: string[] = [];
const log = (line: string) => lines.push(line);

function recipe(version: string): PulumiRecipe {
  return { name: "pulumi", stepsRevision: 0, version, clipboardFork: "none" };
}

beforeEach(() => {
  cache = mkdtempSync(path.join(tmpdir(), "armature-engine-cache-"));
  process.env["ARMATURE_CACHE_DIR"] = cache;
  lines.length = 0;
});

afterEach(() => {
  if (previousCache === undefined) delete process.env["ARMATURE_CACHE_DIR"];
  else process.env["ARMATURE_CACHE_DIR"] = previousCache;
  rmSync(cache, { recursive: true, force: true });
});

describe("cachedBuild", () => {
  it("builds into <cache>/engine/<name>-<hash>, renames into place, and does not build again", async () => {
    let runs = 0;
    const steps = async (context: { dir: string; run: (command: string, args: readonly string[]) => Promise<void> }) => {
      runs += 1;
      await context.run("sh", ["-c", "echo built > bin/tool"]);
    };
    const dir = await cachedBuild(recipe("1.0.0"), { label: "tool 1.0.0", estimate: "instant" }, steps, log);
    expect(dir).toBe(recipeDir(recipe("1.0.0")));
    expect(path.basename(dir)).toMatch(/^pulumi-[0-9a-f]{12}$/);
    expect(readFileSync(path.join(dir, "bin", "tool"), "utf8")).toBe("built\n");
    expect(readFileSync(path.join(dir, "build.log"), "utf8")).toContain("echo built");
    expect(await cachedBuild(recipe("1.0.0"), { label: "tool 1.0.0", estimate: "instant" }, steps, log)).toBe(dir);
    expect(runs).toBe(1);
    expect(lines[0]).toMatch(/^engine: building tool 1\.0\.0 from the Go module proxy \(first time only, instant\)/);
    expect(lines.at(-1)).toMatch(/^engine: built tool 1\.0\.0 in \d+s/);
  });

  it("gives each recipe its own folder", () => {
    expect(recipeDir(recipe("1.0.0"))).not.toBe(recipeDir(recipe("1.0.1")));
  });

  it("leaves no finished-looking folder when a step fails, and reports the end of the log", async () => {
    const failing = async (context: { run: (command: string, args: readonly string[]) => Promise<void> }) => {
      await context.run("sh", ["-c", "touch bin/half-built; for i in $(seq 1 60); do echo line $i; done; exit 3"]);
    };
    const attempt = cachedBuild(recipe("2.0.0"), { label: "tool 2.0.0", estimate: "instant" }, failing, log);
    await expect(attempt).rejects.toThrow(/building tool 2\.0\.0 failed: `sh -c .*` exited with 3/);
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).toContain("line 60");
    expect(message).toContain("line 21");
    expect(message).not.toContain("line 20\n");
    expect(builtDir(recipe("2.0.0"))).toBeUndefined();
    expect(existsSync(recipeDir(recipe("2.0.0")))).toBe(false);

    // The next attempt starts from scratch (the failed temp folder is removed) and can succeed.
    const fixed = (context: { dir: string }) => Promise.resolve(writeFileSync(path.join(context.dir, "bin", "tool"), "ok"));
    const dir = await cachedBuild(recipe("2.0.0"), { label: "tool 2.0.0", estimate: "instant" }, fixed, log);
    expect(existsSync(path.join(dir, "bin", "half-built"))).toBe(false);
  });

  it("runs builds one at a time", async () => {
    const events: string[] = [];
    const slow = (name: string) => async () => {
      events.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      events.push(`${name} end`);
    };
    await Promise.all([
      cachedBuild(recipe("3.0.0"), { label: "a", estimate: "instant" }, slow("a"), log),
      cachedBuild(recipe("3.0.1"), { label: "b", estimate: "instant" }, slow("b"), log),
    ]);
    expect(events).toEqual(["a start", "a end", "b start", "b end"]);
  });
});

describe("stagingModules", () => {
  it("reads the modules k8s.io/kubernetes points at ./staging, and nothing else", () => {
    const goMod = [
      "module k8s.io/kubernetes",
      "replace (",
      "\tk8s.io/api => ./staging/src/k8s.io/api",
      "\tk8s.io/client-go => ./staging/src/k8s.io/client-go",
      "\tgithub.com/other/thing => github.com/fork/thing v1.0.0",
      ")",
    ].join("\n");
    expect(stagingModules(goMod)).toEqual(["k8s.io/api", "k8s.io/client-go"]);
  });
});
