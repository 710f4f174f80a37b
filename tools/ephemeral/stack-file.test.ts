import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
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
    expect(() => writeEphemeralStackFile(dir, 7, false)).toThrow(/Pulumi\.pr-7\.yaml already exists \(another create for PR 7, or an earlier one\); pass --force/);
    expect(() => writeEphemeralStackFile(dir, 7, true)).not.toThrow();
  });

  it("leaves out the base stack's secrets, whose ciphertext belongs to that stack", () => {
    const dir = scratchRepository("  armature:alertWebhookUrl:\n    secure: v1:c2VjcmV0\n");
    const { file, omittedSecrets } = writeEphemeralStackFile(dir, 9, false);
    expect(omittedSecrets).toEqual(["armature:alertWebhookUrl"]);
    expect(readFileSync(file, "utf8")).not.toContain("v1:c2VjcmV0");
  });
});

describe("--config values in the ephemeral stack file", () => {
  it("sets key paths with YAML-typed values, as `pulumi config set --path` would", () => {
    const dir = scratchRepository();
    writeEphemeralStackFile(dir, 11, false, [
      { key: "kubernetes.awaitReadiness", value: "false" },
      { key: "charts.vault.path", value: "tools/e2e/charts/vault" },
    ]);
    const config = parseYaml(readFileSync(path.join(dir, "Pulumi.pr-11.yaml"), "utf8")).config as Record<string, Record<string, unknown>>;
    expect(config["armature:kubernetes"]).toMatchObject({ awaitReadiness: false });
    expect(config["armature:charts"]).toMatchObject({ vault: { path: "tools/e2e/charts/vault" } });
  });

  it("refuses a value the stack config rules reject, naming the key, and writes nothing", () => {
    const dir = scratchRepository();
    expect(() => writeEphemeralStackFile(dir, 12, false, [{ key: "kubernetes.awaitReadiness", value: "sometimes" }])).toThrow(
      /the config for pr-12 breaks the stack config rules; fix the --config values \(kubernetes\.awaitReadiness\) or Pulumi\.dev\.yaml:\n.*kubernetes\.awaitReadiness/s,
    );
    expect(existsSync(path.join(dir, "Pulumi.pr-12.yaml"))).toBe(false);
  });

  it("refuses to set a key inside a value that is not a mapping", () => {
    const dir = scratchRepository();
    expect(() => writeEphemeralStackFile(dir, 13, false, [{ key: "environment.x", value: "1" }])).toThrow(/--config environment\.x: armature:environment is the value "ephemeral", not a mapping/);
  });

  it("keeps the encryption salt `pulumi stack init` wrote when --force regenerates the file", () => {
    const dir = scratchRepository();
    const { file } = writeEphemeralStackFile(dir, 14, false);
    writeFileSync(file, `encryptionsalt: v1:c2FsdA==:v1:abc\n${readFileSync(file, "utf8")}`);
    writeEphemeralStackFile(dir, 14, true);
    expect(parseYaml(readFileSync(file, "utf8"))).toMatchObject({ encryptionsalt: "v1:c2FsdA==:v1:abc", config: { "armature:environment": "ephemeral" } });
  });
});
