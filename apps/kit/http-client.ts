/**
 * Outgoing HTTP calls: the current invocation context and W3C traceparent are forwarded, each call
 * is a client span, and a circuit breaker with a timeout guards the upstream. A 5xx answer counts
 * as a failure (it goes to the fallback); 4xx answers are returned to the caller.
 */
import { SpanKind, context as otelContext, propagation, trace } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { DEFAULT_CALLER_TOKEN_HOSTS, isPlatformAddress } from "./caller-token-hosts";
import { CONTEXT_HEADER, encodeContextHeader } from "./invocation-context";
import { currentScope } from "./invocation-scope";
import { type Fallback, type GuardOptions, createGuard } from "./resilience";
import { endingSpan } from "./tracing";

export interface HttpResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface RequestOptions {
  readonly method?: string;
  /** Sent as JSON. */
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
}

export interface HttpClient {
  request<T = unknown>(url: string | URL, options: RequestOptions, fallback: Fallback<HttpResponse<T>>): Promise<HttpResponse<T>>;
}

export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`${url} answered ${status}`);
    this.name = "UpstreamError";
  }
}

export type HttpClientOptions = Omit<GuardOptions, "timeoutMs"> & {
  readonly timeoutMs?: number;
  /** The caller's token, sent as `Authorization: Bearer` (kit.http() passes CALLER_TOKEN_FILE's). */
  readonly callerToken?: () => string | undefined;
  /** Where the token may go (caller-token-hosts.ts); default DEFAULT_CALLER_TOKEN_HOSTS. Anywhere else, e.g. an override's target, gets none. */
  readonly callerTokenHosts?: readonly string[];
};

/** The headers that carry the current invocation downstream (also for clients not built on fetch). */
export function propagationHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(otelContext.active(), headers);
  const context = currentScope()?.context;
  if (context) headers[CONTEXT_HEADER] = encodeContextHeader(context);
  return headers;
}

export function createHttpClient(options: HttpClientOptions, observe?: { logger?: Logger; registry?: Registry }): HttpClient {
  const guard = createGuard({ timeoutMs: 2000, ...options }, observe);
  return {
    request<T>(url: string | URL, request: RequestOptions, fallback: Fallback<HttpResponse<T>>) {
      const method = request.method ?? "GET";
      const tracer = currentScope()?.tracer ?? trace.getTracer("armature");
      const call = (signal: AbortSignal) =>
        tracer.startActiveSpan(`${method} ${options.name}`, { kind: SpanKind.CLIENT, attributes: { "http.request.method": method, "url.full": String(url) } }, (span) =>
          endingSpan(span, async () => {
            const token = isPlatformAddress(url, options.callerTokenHosts ?? DEFAULT_CALLER_TOKEN_HOSTS) ? options.callerToken?.() : undefined;
            const headers: Record<string, string> = { accept: "application/json", ...propagationHeaders(), ...(token ? { authorization: `Bearer ${token}` } : {}), ...request.headers };
            if (request.json !== undefined) headers["content-type"] = "application/json";
            const response = await fetch(url, { method, headers, body: request.json === undefined ? undefined : JSON.stringify(request.json), signal });
            span.setAttribute("http.response.status_code", response.status);
            const text = await response.text();
            if (response.status >= 500) throw new UpstreamError(response.status, String(url));
            const isJson = /json/.test(response.headers.get("content-type") ?? "");
            return { status: response.status, headers: response.headers, body: (isJson && text ? JSON.parse(text) : text) as T };
          }),
        );
      return guard.execute(call, fallback);
    },
  };
}
