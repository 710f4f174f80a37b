/** Prometheus metrics: one registry per service, default process metrics and request timing. */
import { Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<"method" | "route" | "status_code">;
}

export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: "http_server_request_duration_seconds",
    help: "Time from request received to response sent, by route template and status code.",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, requestDuration };
}
