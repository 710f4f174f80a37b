/**
 * Prometheus request timing: every response is observed in the request-duration histogram (by
 * method, route template and status code), and GET /metrics serves the registry. Wrapped with
 * fastify-plugin: its hook must time every route of the service.
 */
import fastifyPlugin from "fastify-plugin";
import type { ServiceMetrics } from "../metrics";

export const METRICS_PATH = "/metrics";

export interface MetricsOptions {
  readonly metrics: ServiceMetrics;
}

export const metricsPlugin = fastifyPlugin<MetricsOptions>(
  (app, { metrics }, pluginDone) => {
    const { registry, requestDuration } = metrics;
    app.addHook("onResponse", (request, reply, done) => {
      requestDuration.observe({ method: request.method, route: request.routeOptions.url ?? "unmatched", status_code: reply.statusCode }, reply.elapsedTime / 1000);
      done();
    });
    app.get(METRICS_PATH, { schema: { hide: true } }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
    pluginDone();
  },
  { name: "armature-metrics", fastify: "5.x" },
);
