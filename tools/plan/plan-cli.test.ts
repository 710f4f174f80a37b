/** End to end: the plan CLI as CI and people run it, in a child process (Pulumi's runtime is global). */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { PlanDocument } from "./plan-document";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "tools/plan/cli.ts");

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function plan(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function devStackWith(edit: (text: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "armature-plan-"));
  const file = path.join(dir, "Pulumi.dev.yaml");
  writeFileSync(file, edit(readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")));
  return file;
}

describe.concurrent("npm run plan", { timeout: 60_000 }, () => {
  it("prints the dev plan as one JSON document in the documented shape", async () => {
    const { code, stdout, stderr } = await plan("dev", "--json");
    expect(code, stderr).toBe(0);
    const document = JSON.parse(stdout) as PlanDocument;
    expect(Object.keys(document).sort()).toEqual(["policies", "project", "resources", "stack", "summary"]);
    expect(document).toMatchObject({ stack: "dev", project: "armature" });
    // Dev relaxes some policies to advisory (policies/enforcement.ts); none may be mandatory.
    for (const violation of document.policies.violations) {
      expect(Object.keys(violation).sort()).toEqual(["enforcement", "message", "policy", "remediation", "severity", "urn"]);
      expect(violation.enforcement).toBe("advisory");
    }

    const urns = new Set(document.resources.map((resource) => resource.urn));
    for (const resource of document.resources) {
      expect(Object.keys(resource).sort()).toEqual(["inputs", "name", "parent", "type", "urn"]);
      expect(resource.parent === null || urns.has(resource.parent), `${resource.urn} has a dangling parent`).toBe(true);
    }
    const roots = document.resources.filter((resource) => resource.parent === null);
    expect(roots.map((resource) => resource.type)).toEqual(["pulumi:pulumi:Stack"]);

    expect(document.summary.resources).toBe(document.resources.length);
    const counted = Object.values(document.summary.byType).reduce((sum, count) => sum + count, 0);
    expect(counted).toBe(document.resources.length);
    expect(document.summary.byType["pulumi:providers:gcp"]).toBe(1);
  });

  it("prints the whole JSON document into a slow pipe (no cut-off at the pipe buffer)", async () => {
    const reader = `${JSON.stringify(process.execPath)} -e "setTimeout(() => process.stdin.pipe(process.stdout), 1500)"`;
    const command = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(CLI)} dev --json | ${reader}`;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile("sh", ["-c", command], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, out) => (error ? reject(new Error(error.message)) : resolve(out)));
    });
    expect(stdout.length).toBeGreaterThan(65_536);
    expect((JSON.parse(stdout) as PlanDocument).stack).toBe("dev");
  });

  it("prints a readable tree with counts per type", async () => {
    const { code, stdout } = await plan("dev");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Armature plan: stack dev, project armature, config from Pulumi\.dev\.yaml$/m);
    expect(stdout).toMatch(/^armature-dev {2}\[pulumi:pulumi:Stack\]$/m);
    expect(stdout).toMatch(/^├─ gcp {2}\[pulumi:providers:gcp\]$/m);
    expect(stdout).toMatch(/^By type$/m);
    expect(stdout).toMatch(/^ +\d+ {2}gcp:projects\/service:Service$/m);
  });

  it("refuses an unknown stack with one line naming it", async () => {
    const { code, stdout, stderr } = await plan("nosuch");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/no stack named "nosuch": there is no Pulumi\.nosuch\.yaml/);
  });

  it("refuses a malformed stack name and an unknown flag", async () => {
    const badName = await plan("../etc");
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/bad stack name "\.\.\/etc"/);
    const badFlag = await plan("dev", "--jsno");
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Unknown option '--jsno'; usage: npm run plan/);
  });

  it("fails on bad config before registering anything, one line per problem", async () => {
    const file = devStackWith((text) => text.replace("pods: 10.16.0.0/14", "pods: 10.10.8.0/21"));
    const { code, stdout, stderr } = await plan("dev", "--config-file", file);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim()).toBe(
      'config error: armature:network.pods: found "10.10.8.0/21", expected a range that does not overlap armature:network.nodes (10.10.0.0/20)',
    );
  });

  it("reports unreadable YAML with its line", async () => {
    const file = devStackWith((text) => text.replace("armature:redis:", "armature:redis: [unclosed"));
    const { code, stderr } = await plan("dev", "--config-file", file);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^config error: Pulumi\.dev\.yaml:\d+:\d+: not valid YAML/);
  });

  it("masks secrets: a secure config value reaches resources only as [secret]", async () => {
    const file = devStackWith((text) => `${text}  armature:alertWebhookUrl:\n    secure: v1:ZmFrZS1jaXBoZXJ0ZXh0\n`);
    const { code, stdout, stderr } = await plan("dev", "--json", "--config-file", file);
    expect(code, stderr).toBe(0);
    const document = JSON.parse(stdout) as PlanDocument;
    const version = document.resources.find((resource) => resource.type === "gcp:secretmanager/secretVersion:SecretVersion");
    expect(version?.inputs["secretData"]).toBe("[secret]");
    expect(stdout).not.toContain("ZmFrZS1jaXBoZXJ0ZXh0");
  });

  it("plans a pull-request stack from the ephemeral template", async () => {
    const { code, stdout, stderr } = await plan("pr-42", "--json");
    expect(code, stderr).toBe(0);
    const document = JSON.parse(stdout) as PlanDocument;
    expect(document.stack).toBe("pr-42");
    const provider = document.resources.find((resource) => resource.type === "pulumi:providers:gcp");
    const labels = JSON.parse(String(provider?.inputs["defaultLabels"])) as Record<string, string>;
    expect(labels).toMatchObject({ environment: "ephemeral", stack: "pr-42", "ttl-hours": "72" });
  });
});
