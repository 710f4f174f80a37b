/** The CLI's client of the worker API: JSON in and out, problem documents turned into one-line errors. */
import { randomUUID } from "node:crypto";
// The invocation-context module only: the CLI bundle stays free of the server side of the kit.
import { encodeContextHeader } from "../../kit/index";

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  readonly url: string;
  readonly actor: string;
  readonly tenant?: string | undefined;
  /** A caller token (ARMATURE_TOKEN) where the agents verify callers: then it, not --actor, says who. */
  readonly token?: string | undefined;
}

export class WorkerApiClient {
  private readonly base: URL;
  private readonly context: string;
  private readonly authorization: Record<string, string>;

  constructor(options: ApiClientOptions) {
    try {
      this.base = new URL(options.url);
    } catch {
      throw new CliError(`--url ${JSON.stringify(options.url)} is not a URL; use e.g. http://worker:8080`, 2);
    }
    // The CLI is the start of an invocation: the agent records this actor on every trigger and change.
    // One id per command run (the agent answers a repeated id with the first outcome).
    this.authorization = options.token ? { authorization: `Bearer ${options.token}` } : {};
    this.context = encodeContextHeader({ traceId: "", spanId: "", invocationId: `cli-${randomUUID()}`, tenant: options.tenant, actor: { id: options.actor, type: "user" } });
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.base), {
        method,
        headers: { "x-armature-context": this.context, ...this.authorization, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(`cannot reach the worker API at ${this.base.origin} (${reason}); check --url or WORKER_URL`, 1);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const problem = parsed as { code?: string; detail?: string } | undefined;
      throw new CliError(`${response.status} ${problem?.code ?? "error"}: ${problem?.detail ?? text.slice(0, 200)}`, 1);
    }
    return parsed as T;
  }
}
