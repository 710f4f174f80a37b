/**
 * The platform's probe endpoints (the contract Kubernetes manifests rely on, see README.md):
 * /livez is the process only, never a dependency; /readyz and /startupz run the dependency checks;
 * /_internal_/healthcheck is the seed-compatible alias of /readyz.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { HEALTH_CONTENT_TYPE, type HealthDocument, healthDocumentSchema, httpStatusFor } from "./health-document";
import { type HealthCheck, runChecks } from "./health-check";

export const HEALTH_PATHS = { live: "/livez", ready: "/readyz", startup: "/startupz", internal: "/_internal_/healthcheck" } as const;

export interface HealthState {
  readonly checks: HealthCheck[];
  /** True from SIGTERM on: readiness fails at once so traffic moves away while requests drain. */
  draining: boolean;
  /** Startup passes once every check has passed once; it is not re-checked afterwards. */
  started: boolean;
}

export function registerHealthRoutes(app: FastifyInstance, state: HealthState, meta: { serviceId: string; version: string }): void {
  const schema = (summary: string) => ({
    tags: ["health"],
    summary,
    response: { 200: healthDocumentSchema, 503: healthDocumentSchema },
  });
  const send = (reply: FastifyReply, document: HealthDocument) => reply.code(httpStatusFor(document.status)).type(HEALTH_CONTENT_TYPE).send(document);

  app.get(HEALTH_PATHS.live, { schema: schema("Liveness: the process answers. Never checks dependencies.") }, (_request, reply) =>
    send(reply, { status: "pass", ...meta }),
  );

  const readiness = async (reply: FastifyReply) => {
    if (state.draining) {
      return send(reply, { status: "fail", ...meta, checks: { "shutdown:draining": [{ componentType: "system", status: "fail", time: new Date().toISOString(), output: "shutting down" }] } });
    }
    return send(reply, await runChecks(state.checks, meta));
  };
  app.get(HEALTH_PATHS.ready, { schema: schema("Readiness: every dependency answered within its timeout.") }, (_request, reply) => readiness(reply));
  app.get(HEALTH_PATHS.internal, { schema: schema("Seed-compatible alias of /readyz.") }, (_request, reply) => readiness(reply));

  app.get(HEALTH_PATHS.startup, { schema: schema("Startup: every dependency has answered once since the process started.") }, async (_request, reply) => {
    if (state.started) return send(reply, { status: "pass", ...meta });
    const document = await runChecks(state.checks, meta);
    if (document.status !== "fail") state.started = true;
    return send(reply, document);
  });
}
