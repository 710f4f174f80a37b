/**
 * OpenTelemetry traces. Each service owns a tracer provider (so two services can share a process in
 * tests); the first one also registers the global context manager and W3C propagator. Spans are
 * exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, or to an exporter a test
 * passes in.
 */
import { type Span, type Tracer, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-node";
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
  shutdown(): Promise<void>;
}

let globalRegistered = false;

export function createTracing(options: TracingOptions): Tracing {
  const spanProcessors: SpanProcessor[] = [];
  if (options.exporter) spanProcessors.push(new SimpleSpanProcessor(options.exporter));
  if (options.otlpEndpoint) spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpEndpoint })));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": options.service, "service.version": options.version }),
    spanProcessors,
  });
  if (!globalRegistered) {
    provider.register();
    globalRegistered = true;
  }
  return { tracer: provider.getTracer(options.service, options.version), shutdown: () => provider.shutdown() };
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
