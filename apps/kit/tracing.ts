/**
 * OpenTelemetry traces. Each service owns a tracer provider (so two services can share a process in
 * tests); the first one also registers the W3C propagator (the context manager is invocation-scope's).
 * Spans are exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, or to an exporter
 * a test passes in; with neither, spans only carry ids (see PropagatingTracer).
 */
import type { IncomingHttpHeaders } from "node:http";
import { type Context, ROOT_CONTEXT, type Span, SpanKind, type SpanOptions, type Tracer, SpanStatusCode, TraceFlags, context, isSpanContextValid, propagation, trace } from "@opentelemetry/api";
import type * as OtlpHttp from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider, RandomIdGenerator, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-node";
import { currentScope } from "./invocation-scope";

export interface TracingOptions {
  readonly service: string;
  readonly version: string;
  readonly otlpEndpoint?: string;
  /** Receives every finished span at once (tests use an InMemorySpanExporter). */
  readonly exporter?: SpanExporter;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** Whether spans go anywhere (an exporter); otherwise a span only carries ids to logs and downstream calls. */
  readonly recording: boolean;
  shutdown(): Promise<void>;
}

let globalRegistered = false;

export function createTracing(options: TracingOptions): Tracing {
  const spanProcessors: SpanProcessor[] = [];
  if (options.exporter) spanProcessors.push(new SimpleSpanProcessor(options.exporter));
  if (options.otlpEndpoint) {
    // Loaded only when traces are exported: the exporter is a large part of what a cold start loads.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a literal require, so the bundler still includes it
    const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-http") as typeof OtlpHttp;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpEndpoint })));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": options.service, "service.version": options.version }),
    spanProcessors,
  });
  if (!globalRegistered) {
    // The context manager is invocation-scope.ts's (it carries the invocation too): registering a second
    // one would only make the API report a duplicate registration.
    provider.register({ contextManager: null });
    globalRegistered = true;
  }
  // With nothing to receive spans, recording them is wasted work on every request: trace and span
  // ids are still made and propagated, exactly as the SDK's default sampler would flag them.
  const tracer = spanProcessors.length > 0 ? provider.getTracer(options.service, options.version) : new PropagatingTracer();
  return { tracer, recording: spanProcessors.length > 0, shutdown: () => provider.shutdown() };
}

/** The server span of one HTTP request, in the caller's trace when its headers carry one (W3C traceparent). */
export function startServerSpan(tracer: Tracer, method: string, route: string, headers: IncomingHttpHeaders): Span {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  return tracer.startSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "http.route": route } }, parent);
}

/** Ends a server span with the response's status (a 5xx marks it an error). */
export function endServerSpan(span: Span, status: number): void {
  span.setAttribute("http.response.status_code", status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** A tracer whose spans only carry ids (trace, span, flags) to log lines and downstream calls. */
class PropagatingTracer implements Tracer {
  private readonly ids = new RandomIdGenerator();

  startSpan(_name: string, options?: SpanOptions, parentContext: Context = context.active()): Span {
    const parent = options?.root ? undefined : trace.getSpanContext(parentContext);
    const inTrace = parent !== undefined && isSpanContextValid(parent);
    return trace.wrapSpanContext({
      traceId: inTrace ? parent.traceId : this.ids.generateTraceId(),
      spanId: this.ids.generateSpanId(),
      traceFlags: inTrace ? parent.traceFlags : TraceFlags.SAMPLED,
      ...(inTrace && parent.traceState ? { traceState: parent.traceState } : {}),
    });
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: [F] | [SpanOptions, F] | [SpanOptions, Context, F]): ReturnType<F> {
    const fn = args[args.length - 1] as F;
    const options = args.length > 1 ? (args[0] as SpanOptions) : undefined;
    const parentContext = args.length > 2 ? (args[1] as Context) : context.active();
    const span = this.startSpan(name, options, parentContext);
    return context.with(trace.setSpan(parentContext, span), () => fn(span)) as ReturnType<F>;
  }
}

/** Runs `fn`, records an error on `active` (and rethrows it), and ends the span however `fn` finishes. */
export async function endingSpan<T>(active: Span, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    active.recordException(error as Error);
    active.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    active.end();
  }
}

/** A manual tracepoint: runs `fn` inside a child span of the current one (see endingSpan). */
export async function span<T>(name: string, fn: (span: Span) => T | Promise<T>, attributes?: Record<string, string | number | boolean>): Promise<T> {
  const tracer = currentScope()?.tracer ?? trace.getTracer("armature");
  return tracer.startActiveSpan(name, { attributes }, (active) => endingSpan(active, () => fn(active)));
}
