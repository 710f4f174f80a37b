import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DRIFT_FILE_VARIABLE } from "./drift";
import type { PackageBehaviour } from "./package-behaviour";
import { StandInProvider } from "./provider-core";
import { type OperationRecord, recorderFor } from "./records";
import { type Properties, UNKNOWN, isSecret, secret } from "./wire";

const TYPE = "test:index/thing:Thing";
const resource = { type: TYPE, urn: `urn:pulumi:dev::armature::${TYPE}::thing` };

/** A package whose only computed output is `computed`, counting how often it computed. */
function testBehaviour(): PackageBehaviour & { computations: number } {
  const behaviour = {
    name: "test",
    computations: 0,
    compute() {
      behaviour.computations++;
      return { id: "thing-id", outputs: { computed: `value-${behaviour.computations}` } };
    },
    replaces: (_type: string, changed: readonly string[]) => changed.filter((key) => key === "immutable"),
    functions: { "test:index:echo": (args: Properties) => ({ echoed: args }) },
  };
  return behaviour;
}

describe("StandInProvider", () => {
  const records: OperationRecord[] = [];
  const provider = (behaviour = testBehaviour()) => new StandInProvider(behaviour, (record) => records.push(record));
  afterEach(() => {
    records.length = 0;
    delete process.env[DRIFT_FILE_VARIABLE];
  });

  it("returns the inputs, secrets still wrapped, plus the computed outputs", async () => {
    const inputs = { password: secret("hunter2"), plain: "x" };
    const created = await provider().create(resource, inputs, false);
    expect(created.id).toBe("thing-id");
    expect(created.outputs).toEqual({ password: secret("hunter2"), plain: "x", computed: "value-1" });
    expect(isSecret(created.outputs["password"])).toBe(true);
  });

  it("computes nothing in a preview, so computed outputs stay unknown", async () => {
    const behaviour = testBehaviour();
    const created = await provider(behaviour).create(resource, { plain: "x" }, true);
    expect(created).toEqual({ id: "", outputs: { plain: "x" } });
    expect(behaviour.computations).toBe(0);
  });

  it("reports exactly the changed keys, and the package's replacements", () => {
    const diff = provider().diff(resource, {}, { a: 1, b: "same", immutable: "new", added: true }, { a: 2, b: "same", immutable: "old", removed: "x" });
    expect(diff.changes).toBe("some");
    expect(diff.diffs).toEqual(["a", "added", "immutable", "removed"]);
    expect(diff.replaces).toEqual(["immutable"]);
    expect(diff.detailed).toEqual({ a: "update", added: "add", immutable: "update-replace", removed: "delete" });
  });

  it("sees no change when only secretness differs, and a change where a value is unknown", () => {
    expect(provider().diff(resource, {}, { p: secret("v") }, { p: "v" }).changes).toBe("none");
    expect(provider().diff(resource, {}, { p: UNKNOWN }, { p: "v" }).diffs).toEqual(["p"]);
    expect(provider().diff(resource, {}, { list: ["a", UNKNOWN] }, { list: ["a", "b"] }).diffs).toEqual(["list"]);
  });

  it("keeps computed outputs through an update preview and recomputes them on the update", async () => {
    const stand = provider();
    const olds = { plain: "x", computed: "value-0" };
    expect(await stand.update(resource, "thing-id", olds, { plain: "y" }, { plain: "x" }, true)).toEqual({ plain: "y", computed: "value-0" });
    expect(await stand.update(resource, "thing-id", olds, { plain: "y" }, { plain: "x" }, false)).toEqual({ plain: "y", computed: "value-1" });
  });

  it("records operations with secrets masked, and writes them as JSON lines", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "standin-records-"));
    const stand = new StandInProvider(testBehaviour(), recorderFor("test", dir));
    await stand.create(resource, { password: secret("hunter2"), plain: "x" }, false);
    stand.delete(resource, "thing-id", { password: secret("hunter2") });
    const lines = readFileSync(path.join(dir, "test.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { operation: string; type: string; urn: string; inputs: unknown });
    expect(lines.map((line) => [line.operation, line.type, line.urn])).toEqual([["create", TYPE, resource.urn], ["delete", TYPE, resource.urn]]);
    expect(lines[0]!.inputs).toEqual({ password: "[secret]", plain: "x" });
    expect(readFileSync(path.join(dir, "test.jsonl"), "utf8")).not.toContain("hunter2");
  });

  it("reads the state back unchanged, or as the drift file says", () => {
    const stand = provider();
    expect(stand.read(resource, "thing-id", { plain: "x", computed: "c" }, { plain: "x" })).toEqual({ id: "thing-id", outputs: { plain: "x", computed: "c" }, inputs: { plain: "x" } });
    const driftFile = path.join(mkdtempSync(path.join(os.tmpdir(), "standin-drift-")), "drift.json");
    process.env[DRIFT_FILE_VARIABLE] = driftFile;
    writeFileSync(driftFile, JSON.stringify({ [resource.urn]: { plain: "changed by hand", computed: "c2" } }));
    expect(stand.read(resource, "thing-id", { plain: "x", computed: "c" }, { plain: "x" })).toEqual({ id: "thing-id", outputs: { plain: "changed by hand", computed: "c2" }, inputs: { plain: "changed by hand" } });
    writeFileSync(driftFile, JSON.stringify({ [resource.urn]: null }));
    expect(stand.read(resource, "thing-id", { plain: "x" }, { plain: "x" }).id).toBe("");
  });

  it("answers known functions and names the file to extend for unknown ones", async () => {
    expect(await provider().invoke("test:index:echo", { a: 1 })).toEqual({ echoed: { a: 1 } });
    await expect(provider().invoke("test:index:nope", {})).rejects.toThrow(/does not implement the function test:index:nope \(it implements test:index:echo\); add it to .*packages\/test\.ts/);
    expect(records.map((record) => record.operation)).toEqual(["invoke", "invoke"]);
  });
});
