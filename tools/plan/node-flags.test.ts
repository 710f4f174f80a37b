import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../repository-root";
import { PLAN_NODE_FLAGS } from "./node-flags";

describe("the plan's V8 flags", () => {
  it("are the ones `npm run plan` starts node with (bench:plan measures with the same list)", () => {
    const scripts = (JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const nodeCommand = /\bnode ((?:--[\w-]+(?:=\S+)? )*)--import tsx tools\/plan\/cli\.ts\b/.exec(scripts["plan"] ?? "");
    expect(nodeCommand, `package.json scripts.plan runs the plan CLI with node: ${scripts["plan"]}`).not.toBeNull();
    expect(nodeCommand![1]!.trim().split(" ").filter(Boolean)).toEqual(PLAN_NODE_FLAGS);
  });
});
