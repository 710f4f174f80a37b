/** What the CLI sends: the invocation context always, a caller token only when ARMATURE_TOKEN is set. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerApiClient } from "./api-client";

describe("WorkerApiClient", () => {
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    received.push(request.headers);
    response.writeHead(200, { "content-type": "application/json" }).end("[]");
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends ARMATURE_TOKEN as a bearer token beside the context, and no Authorization header without it", async () => {
    await new WorkerApiClient({ url, actor: "carol", token: "header.payload.signature" }).request("GET", "/v1/jobs");
    await new WorkerApiClient({ url, actor: "carol" }).request("GET", "/v1/jobs");
    expect(received.map((headers) => headers.authorization)).toEqual(["Bearer header.payload.signature", undefined]);
    for (const headers of received) {
      const context = JSON.parse(Buffer.from(String(headers["x-armature-context"]), "base64url").toString("utf8")) as { actor?: unknown };
      expect(context.actor).toEqual({ id: "carol", type: "user" });
    }
  });
});
