import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CLI = path.join(__dirname, "cli.ts");

function ephemeral(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...process.env, PATH: "/usr/bin:/bin" } }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

describe.concurrent("npm run ephemeral", { timeout: 60_000 }, () => {
  it("exits 2 with the usage on a bad command line", async () => {
    const { code, stderr } = await ephemeral("create", "pr-42");
    expect(code).toBe(2);
    expect(stderr).toMatch(/expected one pull-request number \(1-9999999\), found pr-42\nusage: npm run ephemeral/);
  });

  it("exits 1 saying plainly that reaping needs the Pulumi CLI", async () => {
    const { code, stderr } = await ephemeral("reap", "--dry-run");
    expect(code).toBe(1);
    expect(stderr).toMatch(/the Pulumi CLI is not on PATH/);
  });
});
