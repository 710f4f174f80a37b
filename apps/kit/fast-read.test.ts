/** Fast reads (fast-read.ts): which routes may have one, and that the route itself must exist. */
import { describe, expect, it } from "vitest";
import { SpanKind, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { type FastRead, FastReads } from "./fast-read";
import { createMetrics } from "./metrics";
import { createLogger } from "./logger";
import { createService } from "./index";
import { discardLogs } from "./testing/log-capture";

const read = (route: string): FastRead => ({
  route,
  accepts: () => true,
  access: (id) => ({ action: "read", resource: { kind: "registration", name: id } }),
  body: () => Buffer.from("{}"),
  contentType: "application/json; charset=utf-8",
});

function fastReads(): FastReads {
  const logger = createLogger({ service: "fast-read-test", version: "0", level: "error", format: "json", destination: discardLogs() });
  return new FastReads({ logger, tracer: trace.getTracer("test"), requestDuration: createMetrics("fast-read-test").requestDuration, shedding: () => false });
}

describe("FastReads", () => {
  it("takes a route ending in its one parameter", () => {
    const reads = fastReads();
    reads.add(read("/v1/services/:name"));
    reads.add(read("/things/:id"));
    expect(reads.routes).toEqual(["/v1/services/:name", "/things/:id"]);
  });

  it.each(["/:id", "/v1/services", "/v1/services/", "/v1/:tenant/services/:name", "/v1/:name/audit", "v1/services/:name", "/v1/services/:na-me", "/v1/services/:", "/v1/services/*"])("refuses %s: it must end in its one parameter", (route) => {
    expect(() => fastReads().add(read(route))).toThrow(`fast read ${route}: the route must end in its one parameter, e.g. /v1/services/:name`);
  });
});

describe("kit.fastRead", () => {
  const start = (withRoute: boolean) =>
    createService({
      name: "fast-read-test",
      env: { LOG_LEVEL: "error", HOST: "127.0.0.1", PORT: "0" },
      logDestination: discardLogs(),
      setup(kit) {
        if (withRoute) kit.app.get("/v1/things/:id", () => ({ from: "the route" }));
        kit.fastRead(read("/v1/things/:id"));
      },
    });

  it("refuses to start when the fast read's GET route is not registered", async () => {
    const service = await start(false);
    await expect(service.listen()).rejects.toThrow("fast reads need their GET routes registered too: /v1/things/:id");
    await service.shutdown();
  });

  it("starts when the route is registered, and serves the fast read", async () => {
    const service = await start(true);
    const base = await service.listen();
    try {
      const response = await fetch(`${base}/v1/things/one`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("{}"); // the fast read's body, not the route's
      // A name the fast read does not accept is the route's.
      expect(await (await fetch(`${base}/v1/things/one/`)).json()).toEqual({ from: "the route" });
    } finally {
      await service.shutdown();
    }
  });
});

describe("fast read bodies", () => {
  it("sends a body's exact bytes, UTF-8 text or not", async () => {
    const bodies: Record<string, Buffer> = { text: Buffer.from('{"name":"café ☕"}'), bytes: Buffer.from([0xff, 0xfe, 0x41, 0xc3]) };
    const service = await createService({
      name: "fast-read-test",
      env: { LOG_LEVEL: "error", HOST: "127.0.0.1", PORT: "0" },
      logDestination: discardLogs(),
      setup(kit) {
        kit.app.get("/v1/things/:id", () => ({}));
        kit.fastRead({ ...read("/v1/things/:id"), body: (id) => bodies[id] });
      },
    });
    const base = await service.listen();
    try {
      for (const [id, body] of Object.entries(bodies)) {
        for (let i = 0; i < 2; i++) {
          const response = await fetch(`${base}/v1/things/${id}`);
          expect(response.headers.get("content-length")).toBe(String(body.length));
          expect(Buffer.from(await response.arrayBuffer()).equals(body), id).toBe(true);
        }
      }
    } finally {
      await service.shutdown();
    }
  });
});

describe("fast read spans", () => {
  it("exports the route's server span, in the caller's trace, when spans are recorded", async () => {
    const spans = new InMemorySpanExporter();
    const service = await createService({
      name: "fast-read-test",
      env: { LOG_LEVEL: "error", HOST: "127.0.0.1", PORT: "0" },
      logDestination: discardLogs(),
      spanExporter: spans,
      setup(kit) {
        kit.app.get("/v1/things/:id", () => ({ from: "the route" }));
        kit.fastRead(read("/v1/things/:id"));
      },
    });
    const base = await service.listen();
    try {
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const response = await fetch(`${base}/v1/things/one`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
      expect(await response.text()).toBe("{}"); // served by the fast read
      const served = spans.getFinishedSpans().filter((span) => span.name === "GET /v1/things/:id");
      expect(served).toHaveLength(1);
      expect(served[0]!.kind).toBe(SpanKind.SERVER);
      expect(served[0]!.spanContext().traceId).toBe(traceId);
      expect(served[0]!.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
      expect(served[0]!.attributes).toMatchObject({ "http.request.method": "GET", "http.route": "/v1/things/:id", "http.response.status_code": 200 });
    } finally {
      await service.shutdown();
    }
  });
});
