import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeConfigValue } from "../../stacks/config/load";
import { parseStackConfig } from "../../stacks/config/parse";
import { readStackConfig } from "../plan/stack-file";
import { writeEphemeralStackFile } from "./stack-file";

const ROOT = path.resolve(__dirname, "../..");

function scratchRepository(devExtra = ""): string {
  const dir = mkdtempSync(path.join(tmpdir(), "armature-ephemeral-"));
  copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  writeFileSync(path.join(dir, "Pulumi.dev.yaml"), readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8") + devExtra);
  return dir;
}

describe("the ephemeral stack file", () => {
  it("is written from the template and passes the stack config rules for its PR stack", () => {
    const dir = scratchRepository();
    const { file, omittedSecrets } = writeEphemeralStackFile(dir, 42, false);
    expect(path.basename(file)).toBe("Pulumi.pr-42.yaml");
    expect(omittedSecrets).toEqual([]);

    const source = readStackConfig(dir, "pr-42");
    expect(source.origin).toBe("Pulumi.pr-42.yaml");
    const values = Object.fromEntries(Object.entries(source.config).map(([key, text]) => [key.replace(/^armature:/, ""), decodeConfigValue(text)]));
    const config = parseStackConfig("pr-42", { values, secretKeys: new Set() });
    expect(config).toMatchObject({ environment: "ephemeral", deletionProtection: false, ephemeral: { pullRequest: 42, ttlHours: 72 } });
    expect(config.redis.tier).toBe("BASIC");
    expect(config.clusters.workers.onDemandPool).toBeUndefined();
  });

  it("refuses to overwrite an existing file unless forced", () => {
    const dir = scratchRepository();
    writeEphemeralStackFile(dir, 7, false);
    expect(() => writeEphemeralStackFile(dir, 7, false)).toThrow(/Pulumi\.pr-7\.yaml already exists; pass --force/);
    expect(() => writeEphemeralStackFile(dir, 7, true)).not.toThrow();
  });

  it("leaves out the base stack's secrets, whose ciphertext belongs to that stack", () => {
    const dir = scratchRepository("  armature:alertWebhookUrl:\n    secure: v1:c2VjcmV0\n");
    const { file, omittedSecrets } = writeEphemeralStackFile(dir, 9, false);
    expect(omittedSecrets).toEqual(["armature:alertWebhookUrl"]);
    expect(readFileSync(file, "utf8")).not.toContain("v1:c2VjcmV0");
  });
});
