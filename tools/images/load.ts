/**
 * Steady HTTP load on one path, a fresh connection per request (so "in flight" has one meaning: the
 * request was sent before the signal, on its own connection). Records when each request started and
 * how it ended.
 */
import http from "node:http";

export interface RequestOutcome {
  readonly startedAt: number;
  /** The HTTP status, or the socket error's code (ECONNREFUSED, ECONNRESET...). */
  readonly outcome: number | string;
}

export interface Load {
  /** Stops issuing requests and resolves once every request has ended. */
  stop(): Promise<RequestOutcome[]>;
}

function request(url: URL): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers: { connection: "close" }, timeout: 30_000 }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
      response.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "ERESPONSE"));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "EREQUEST"));
  });
}

export function startLoad(url: string, concurrency: number): Load {
  const target = new URL(url);
  const outcomes: RequestOutcome[] = [];
  let running = true;
  const worker = async () => {
    while (running) {
      const startedAt = performance.now();
      const outcome = await request(target);
      outcomes.push({ startedAt, outcome });
      // After the server stopped accepting, back off instead of spinning on refused connections.
      if (typeof outcome === "string") await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const workers = Array.from({ length: concurrency }, () => worker());
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return outcomes;
    },
  };
}
