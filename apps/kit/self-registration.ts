/**
 * Self-registration: once the app is ready (every dependency check passes) it registers its
 * endpoint and version in discovery (`PUT /v1/services/{name}`), and when it drains it deregisters
 * (`DELETE`), so callers and the health service find it through discovery and nowhere else.
 *
 * The kit imports no app, so this speaks discovery's HTTP API (apps/discovery/README.md) through
 * the kit's own HTTP client: the app's caller token (CALLER_TOKEN_FILE) proves who registers.
 * Discovery may start after the app (or be the app): registration is retried until it succeeds.
 */
import type { Logger } from "pino";
import type { HttpClient } from "./http-client";
import type { WireContext } from "./invocation-context";
import { rethrow } from "./resilience";

/** What a registration does when the app drains (SELF_REGISTRATION_ON_DRAIN). */
export type OnDrain = "deregister" | "keep";

export interface SelfRegistrationOptions {
  /** The name registered (the app's name). */
  readonly name: string;
  readonly version: string;
  /** Discovery's base URL. */
  readonly discoveryUrl: string;
  /** The address callers reach this app at; undefined: the listen address given to start(). */
  readonly endpoint?: string | undefined;
  /**
   * `deregister`: one process per endpoint (local runs). `keep`: the endpoint is a Service address
   * shared by every replica, which outlives any one pod, so a pod draining must not remove it.
   */
  readonly onDrain: OnDrain;
  readonly http: HttpClient;
  /** Runs the call as an invocation (kit.invoke), so it carries a context and a span. */
  readonly invoke: <T>(name: string, received: WireContext, fn: () => Promise<T>) => Promise<T>;
  /** True once the app's readiness checks pass. */
  readonly ready: () => Promise<boolean>;
  readonly logger: Logger;
  /** Wait between attempts while not ready or discovery refuses (default 500 ms). */
  readonly retryMs?: number;
}

export interface SelfRegistration {
  /** Registers in the background once ready; `listenAddress` is used when no endpoint was given. */
  start(listenAddress: string): void;
  /** Stops trying and, with `deregister`, removes the registration if it was made. Never throws. */
  stop(): Promise<void>;
  /** Resolves when the first registration succeeded (tests, the dev command's readiness). */
  readonly registered: Promise<void>;
}

export function createSelfRegistration(options: SelfRegistrationOptions): SelfRegistration {
  const retryMs = options.retryMs ?? 500;
  const url = new URL(`/v1/services/${encodeURIComponent(options.name)}`, options.discoveryUrl);
  // Who registers is proven by the caller token (the asserted actor is then dropped). Where no token
  // is checked (no CALLER_TOKEN_ISSUERS: compose, tests), the app asserts itself as a platform app.
  const received: WireContext = { actor: { id: `platform/${options.name}`, type: "service" } };
  let stopped = false;
  let isRegistered = false;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;
  let markRegistered!: () => void;
  const registered = new Promise<void>((resolve) => (markRegistered = resolve));
  let lastProblem = "";

  const problem = (message: string) => {
    // One log line per kind of failure, not one per retry.
    if (message !== lastProblem) options.logger.warn({ discovery: options.discoveryUrl }, `self-registration of ${options.name} not done yet: ${message}; retrying every ${retryMs} ms`);
    lastProblem = message;
  };

  async function register(endpoint: string): Promise<void> {
    if (!(await options.ready())) return problem("readiness checks do not pass yet");
    const response = await options.invoke("self-registration", received, () =>
      options.http.request<{ detail?: string }>(url, { method: "PUT", json: { endpoints: [endpoint], version: options.version } }, rethrow),
    );
    if (response.status !== 200 && response.status !== 201) return problem(`discovery answered ${response.status}: ${response.body?.detail ?? "no detail"}`);
    isRegistered = true;
    options.logger.info({ endpoint, version: options.version, discovery: options.discoveryUrl }, `registered ${options.name} in discovery`);
    markRegistered();
  }

  function schedule(endpoint: string, delayMs: number): void {
    timer = setTimeout(() => {
      attempt = register(endpoint)
        .catch((error: unknown) => problem((error as Error).message))
        .finally(() => {
          attempt = undefined;
          if (!stopped && !isRegistered) schedule(endpoint, retryMs);
        });
    }, delayMs);
    timer.unref();
  }

  return {
    registered,
    start(listenAddress) {
      schedule(options.endpoint ?? listenAddress, 0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await attempt;
      if (!isRegistered || options.onDrain === "keep") return;
      try {
        const response = await options.invoke("self-deregistration", received, () => options.http.request(url, { method: "DELETE" }, rethrow));
        if (response.status === 204 || response.status === 404) options.logger.info(`deregistered ${options.name} from discovery`);
        else options.logger.warn({ status: response.status }, `could not deregister ${options.name} from discovery`);
      } catch (error) {
        options.logger.warn({ err: error }, `could not deregister ${options.name} from discovery`);
      }
    },
  };
}
