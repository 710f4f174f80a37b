/** A GET over TLS with our own CA (fetch cannot take one without an extra agent), for readiness probes. */
import { request } from "node:https";

export interface HttpsAnswer {
  status: number;
  body: string;
}

export function httpsGet(url: string, options: { ca?: string; token?: string; insecure?: boolean }, timeoutMs = 3000): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        ca: options.ca,
        // Only for the controller-manager's self-signed health endpoint on loopback.
        rejectUnauthorized: !options.insecure,
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
        timeout: timeoutMs,
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        response.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** Resolves when `url` answers 200; rejects with what it answered otherwise. */
export async function expectOk(url: string, options: { ca?: string; token?: string; insecure?: boolean }): Promise<void> {
  const answer = await httpsGet(url, options);
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}: ${answer.body.slice(0, 500)}`);
}
