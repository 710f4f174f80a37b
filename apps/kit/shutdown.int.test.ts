/** SIGTERM under load, on a real child process: no request that arrived before it is lost. */
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../tools/test-services/free-port";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { type ChildService, startChildService } from "./testing/child-service";

const SLOW_REQUESTS = 40;

describe("graceful shutdown", () => {
  let child: ChildService | undefined;
  let database: TestDatabase | undefined;
  afterAll(async () => {
    child?.kill();
    await database?.drop();
  });

  it("on SIGTERM fails readiness at once, finishes every in-flight request, closes pools and exits 0", async () => {
    database = await createTestDatabase("kit_shutdown");
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = startChildService(path.join(__dirname, "testing/fixture-service.ts"), {
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      SHUTDOWN_DELAY_MS: "400",
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl(),
    });
    await child.waitForLine((line) => line["msg"] === "fixture listening");
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // Load: slow requests that are in flight when SIGTERM arrives, plus a steady stream of fast ones.
    const slow = Array.from({ length: SLOW_REQUESTS }, () => fetch(`${base}/slow?ms=1500`).then(async (response) => ({ status: response.status, body: await response.text() })));
    let streaming = true;
    const fastResults: Array<number | "refused"> = [];
    const stream = (async () => {
      while (streaming) {
        fastResults.push(await fetch(`${base}/livez`).then((response) => response.status, () => "refused" as const));
      }
    })();
    await expect.poll(() => child!.lines.filter((line) => line["msg"] === "slow request started").length, { timeout: 10_000 }).toBe(SLOW_REQUESTS);

    child.process.kill("SIGTERM");
    await child.waitForLine((line) => line["msg"] === "shutting down: readiness now fails");
    const readiness = await fetch(`${base}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ status: "fail", checks: { "shutdown:draining": [expect.objectContaining({ status: "fail" })] } });

    const results = await Promise.all(slow);
    streaming = false;
    await stream;
    expect(results.map((result) => result.status)).toEqual(Array(SLOW_REQUESTS).fill(200));
    expect(results.every((result) => result.body === '{"waited":1500}')).toBe(true);
    // Fast requests answered normally until the server stopped accepting, then were refused (or told 503).
    expect(fastResults.length).toBeGreaterThan(0);
    expect(fastResults.every((result) => result === 200 || result === 503 || result === "refused")).toBe(true);

    const exitCode = await child.exited;
    expect(exitCode, JSON.stringify(child.lines.slice(-6))).toBe(0);
    expect(child.lines.some((line) => line["msg"] === "shut down: in-flight requests finished, dependencies closed")).toBe(true);
    expect(child.stderr.filter((text) => !/ExperimentalWarning|--trace-warnings/.test(text))).toEqual([]);
  });
});
