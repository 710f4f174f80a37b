/** The drift CLI end to end, on saved previews (there is no Pulumi CLI on build machines). */
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
    const { code, stdout } = await drift(["prod", "--preview-file", path.join(FIXTURES, "preview-drifted.json")]);
    expect(code).toBe(4);
    expect(stdout).toMatch(/^ {2}- update gcp:sql\/databaseInstance:DatabaseInstance platform-sql \(settings, /m);
  });

  it("exits 0 when nothing drifted", async () => {
    const { code, stdout } = await drift(["dev", "--preview-file", path.join(FIXTURES, "preview-clean.json")]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe("No drift in dev: every resource matches the program.");
  });

  it("posts the report to the alert webhook with --notify", async () => {
    const { code } = await drift(["prod", "--notify", "--preview-file", path.join(FIXTURES, "preview-drifted.json")], { ARMATURE_ALERT_WEBHOOK_URL: `${webhook}/hook` });
    expect(code).toBe(4);
    expect(received).toContainEqual({ text: expect.stringMatching(/^Drift in prod: 2 resource\(s\)/) });
  });

  it("fails (exit 1) when the webhook refuses the report", async () => {
    const { code, stderr } = await drift(["prod", "--notify", "--preview-file", path.join(FIXTURES, "preview-drifted.json")], { ARMATURE_ALERT_WEBHOOK_URL: `${webhook}/broken` });
    expect(code).toBe(1);
    expect(stderr).toMatch(/the alert webhook answered 500/);
  });

  it("exits 1 when the preview itself failed", async () => {
    const { code, stdout } = await drift(["dev", "--preview-file", path.join(FIXTURES, "preview-failed.json")]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/could not complete/);
  });

  it("refuses bad input with exit 2 and says what is missing", async () => {
    expect((await drift([])).stderr).toMatch(/expected one stack name/);
    const notify = await drift(["prod", "--notify", "--preview-file", path.join(FIXTURES, "preview-clean.json")]);
    expect(notify.code).toBe(2);
    expect(notify.stderr).toMatch(/--notify needs ARMATURE_ALERT_WEBHOOK_URL/);
    const missing = await drift(["prod", "--preview-file", "/nonexistent/preview.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the preview file/);
  });

  it("exits 1 on a preview that is not JSON", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "drift-")), "preview.json");
    writeFileSync(file, "Previewing update (dev):\n");
    const { code, stderr } = await drift(["dev", "--preview-file", file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/did not give a JSON preview document/);
  });

  it("without a saved preview, says plainly that the Pulumi CLI is needed", async () => {
    const { code, stderr } = await drift(["dev"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/the Pulumi CLI is not on PATH/);
  });
});
