/** The drift CLI on saved refresh diffs (real engine output, fixtures/README.md); tools/ephemeral/ephemeral-and-drift.e2e.test.ts runs it against the engine. */
import { execFile } from "node:child_process";
import { type Server, createServer } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = path.join(__dirname, "cli.ts");
const FIXTURES = path.join(__dirname, "fixtures");

function drift(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...process.env, ...env, PATH: "/usr/bin:/bin" } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.concurrent("npm run drift", { timeout: 60_000 }, () => {
  const received: unknown[] = [];
  let server: Server;
  let webhook = "";

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push(JSON.parse(body));
        response.writeHead(request.url === "/broken" ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    webhook = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("exits 4 and lists the drifted resources", async () => {
    const { code, stdout } = await drift(["pr-42", "--refresh-file", path.join(FIXTURES, "refresh-drifted.json")]);
    expect(code).toBe(4);
    expect(stdout).toMatch(/^ {2}- changed kubernetes:networking\.k8s\.io\/v1:NetworkPolicy acme-default-deny \(spec\.policyTypes\[0\], spec\.policyTypes\[1\]\)$/m);
  });

  it("exits 0 when nothing drifted", async () => {
    const { code, stdout } = await drift(["dev", "--refresh-file", path.join(FIXTURES, "refresh-clean.json")]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe("No drift in dev: every resource is as Pulumi last left it.");
  });

  it("posts the report to the alert webhook with --notify", async () => {
    const { code } = await drift(["prod", "--notify", "--refresh-file", path.join(FIXTURES, "refresh-drifted.json")], { ARMATURE_ALERT_WEBHOOK_URL: `${webhook}/hook` });
    expect(code).toBe(4);
    expect(received).toContainEqual({ text: expect.stringMatching(/^Drift in prod: 4 resource\(s\) changed outside Pulumi/) });
  });

  it("fails (exit 1) when the webhook refuses the report", async () => {
    const { code, stderr } = await drift(["prod", "--notify", "--refresh-file", path.join(FIXTURES, "refresh-drifted.json")], { ARMATURE_ALERT_WEBHOOK_URL: `${webhook}/broken` });
    expect(code).toBe(1);
    expect(stderr).toMatch(/the alert webhook answered 500/);
  });

  it("refuses bad input with exit 2 and says what is missing", async () => {
    expect((await drift([])).stderr).toMatch(/expected one stack name, found none; usage: npm run drift/);
    const badName = await drift(["../prod"]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/bad stack name "\.\.\/prod": use letters, digits/);
    const notify = await drift(["prod", "--notify", "--refresh-file", path.join(FIXTURES, "refresh-clean.json")]);
    expect(notify.code).toBe(2);
    expect(notify.stderr).toMatch(/--notify needs ARMATURE_ALERT_WEBHOOK_URL/);
    const missing = await drift(["prod", "--refresh-file", "/nonexistent/refresh.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the refresh file \/nonexistent\/refresh\.json: save one with `pulumi refresh --preview-only --json --stack prod/);
  });

  it("exits 1 on a saved file that is not a refresh diff", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "drift-"));
    writeFileSync(path.join(dir, "text.json"), "Refreshing (dev):\n");
    writeFileSync(path.join(dir, "other.json"), '{"name": "dev"}');
    const text = await drift(["dev", "--refresh-file", path.join(dir, "text.json")]);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/text\.json did not give a JSON document; expected the output of `pulumi refresh --preview-only --json`/);
    const other = await drift(["dev", "--refresh-file", path.join(dir, "other.json")]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/other\.json has no "steps" list/);
  });

  it("without a saved refresh diff, says plainly that the Pulumi CLI is needed", async () => {
    const { code, stderr } = await drift(["dev"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/the Pulumi CLI is not on PATH/);
  });
});
