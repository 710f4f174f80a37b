/**
 * The migrator's Dockerfile copies only parts of the repository into its build stage; a source file
 * the bundle needs from anywhere else fails `docker build` (it once missed apps/kit). This bundles the
 * CLI exactly as the Dockerfile does and checks that every repository file esbuild reads is copied.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const dockerfile = readFileSync(path.join(__dirname, "..", "Dockerfile"), "utf8");

/** Repository paths the build stage copies: `COPY <src...> <dest>` lines without --from. */
function copiedPaths(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => /^COPY\s/.test(line) && !line.includes("--from"))
    .flatMap((line) => line.trim().split(/\s+/).slice(1, -1));
}

describe("apps/migrator/Dockerfile", () => {
  it("copies every repository file the CLI bundle reads", async () => {
    const result = await build({
      entryPoints: [path.join(repoRoot, "apps/migrator/src/cli/main.ts")],
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      external: ["libpg-query", "pg-native", "@kubernetes/client-node"],
      write: false,
      metafile: true,
      absWorkingDir: repoRoot,
      logLevel: "silent",
    });
    const copied = copiedPaths(dockerfile);
    expect(copied).toContain("apps/migrator");
    const sources = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith("node_modules/"));
    expect(sources.length).toBeGreaterThan(10);
    const missing = sources.filter((input) => !copied.some((copy) => input === copy || input.startsWith(`${copy.replace(/\/$/, "")}/`)));
    expect(missing, "add a COPY line for these to the build stage").toEqual([]);
  });
});
