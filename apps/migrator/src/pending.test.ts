/** What each command would apply, and how a history that disagrees with the folder is reported. */
import { describe, expect, it } from "vitest";
import type { HistoryRow } from "./history";
import type { MigrationSet, MigrationVersion } from "./layout";
import { checkHistory, pendingSteps } from "./pending";
import { type Step, type StepKind, checksumOf } from "./step-file";

function step(name: string, kind: StepKind, text = `-- ${name} ${kind}`): Step {
  return { kind, file: `/m/shop/${name}/${kind}.sql`, label: `${name}/${kind}.sql`, checksum: checksumOf(text), transactional: true, language: "sql", text, statements: [] };
}

function version(number: number, withPost = false): MigrationVersion {
  const name = `${String(number).padStart(4, "0")}_v${number}`;
  return { version: number, name, pre: step(name, "pre"), ...(withPost && { post: step(name, "post"), rollbackPost: step(name, "rollback-post") }) };
}

const set: MigrationSet = { database: "shop", directory: "/m/shop", versions: [version(1), version(2, true), version(3, true)] };

function applied(v: MigrationVersion, phase: "pre" | "post", runId = "run-1", at = "2026-01-01T00:00:00Z"): HistoryRow {
  const appliedStep = phase === "pre" ? v.pre : v.post;
  return { database: "shop", version: v.version, name: v.name, phase, checksum: appliedStep?.checksum ?? "", runId, appliedAt: new Date(at) };
}

const [v1, v2, v3] = set.versions as [MigrationVersion, MigrationVersion, MigrationVersion];
const labels = (steps: { step: Step }[]) => steps.map((pending) => pending.step.label);

describe("pending steps", () => {
  it("pre: every version whose pre is not applied, in order", () => {
    expect(labels(pendingSteps(set, [applied(v1, "pre")], "pre"))).toEqual(["0002_v2/pre.sql", "0003_v3/pre.sql"]);
  });

  it("post: only versions whose pre is applied", () => {
    expect(labels(pendingSteps(set, [applied(v1, "pre"), applied(v2, "pre")], "post"))).toEqual(["0002_v2/post.sql"]);
  });

  it("rollback-post: the latest post run, newest first; or every post above --to", () => {
    const history = [
      applied(v1, "pre"),
      applied(v2, "pre"),
      applied(v3, "pre"),
      applied(v2, "post", "run-1", "2026-01-01T00:00:00Z"),
      applied(v3, "post", "run-2", "2026-01-02T00:00:00Z"),
    ];
    expect(labels(pendingSteps(set, history, "rollback-post"))).toEqual(["0003_v3/rollback-post.sql"]);
    expect(labels(pendingSteps(set, history, "rollback-post", 1))).toEqual(["0003_v3/rollback-post.sql", "0002_v2/rollback-post.sql"]);
    expect(pendingSteps(set, [applied(v1, "pre")], "rollback-post")).toEqual([]);
  });
});

describe("history checks", () => {
  it("accept a history that matches the folder", () => {
    expect(() => checkHistory(set, [applied(v1, "pre"), applied(v2, "pre"), applied(v2, "post")])).not.toThrow();
  });

  it.each([
    ["an edited applied step", [{ ...applied(v1, "pre"), checksum: checksumOf("something else") }], /0001_v1\/pre\.sql was edited after it was applied on 2026-01-01T00:00:00\.000Z/],
    ["an applied version the folder lacks (an older image)", [applied(v1, "pre"), { ...applied(v3, "pre"), version: 4, name: "0004_v4" }], /0004_v4 \(pre\) is applied in the database but is not in \/m\/shop; these migrations are older than the database/],
    ["a renamed version folder", [{ ...applied(v1, "pre"), name: "0001_first" }], /version 0001 was applied as 0001_first but the folder is now 0001_v1; rename it back/],
    ["a post applied without its pre", [applied(v1, "pre"), applied(v2, "post")], /0002_v2: post is recorded as applied but pre is not/],
    ["a hole in the applied versions", [applied(v1, "pre"), applied(v3, "pre")], /0002_v2 was never applied, but later versions were \(up to 0003\)/],
  ])("report %s, and exit 5", (_name, history, message) => {
    expect(() => checkHistory(set, history)).toThrow(message);
    try {
      checkHistory(set, history);
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(5);
    }
  });

  it("refuse another database's history outright", () => {
    expect(() => checkHistory(set, [{ ...applied(v1, "pre"), database: "flags" }])).toThrow(/this database holds the migrations of "flags", not "shop"/);
  });
});
