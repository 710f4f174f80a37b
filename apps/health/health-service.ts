/**
 * The health service: probes Postgres, Redis, Kafka and every service registered in discovery on
 * an interval, and serves the latest round as application/health+json (/v1/health), Prometheus
 * gauges for alerting (/metrics) and an HTML status page (/status); each registered service's
 * status goes back to discovery after every round (health-reports.ts). Its own /readyz does not
 * depend on what it probes: it must stay up to report that they are down.
 */
import { Gauge } from "prom-client";
import { z } from "zod";
import {
  HEALTH_CONTENT_TYPE,
  type HealthCheck,
  type HealthDocument,
  type KitConfig,
  type ServiceKit,
  type ServiceOptions,
  healthDocumentSchema,
  httpStatusFor,
  kafkaCheck,
  postgresCheck,
  redisCheck,
  runChecks,
} from "../kit/index";
import { type HealthConfig, healthConfigSchema } from "./config";
import { createHealthReporter, serviceStatuses } from "./health-reports";
import { type Registration, learnRegistrations } from "./registration-events";
import { serviceLister } from "./service-listing";
import { endpointChecks } from "./service-checks";
import { renderStatusPage } from "./status-page";

const STATUS_VALUE = { pass: 0, warn: 1, fail: 2 } as const;

export function setupHealth(kit: ServiceKit<KitConfig & HealthConfig>): void {
  const { config, logger, app } = kit;
  const timeoutMs = config.HEALTH_CHECK_TIMEOUT_MS;
  const platformChecks: HealthCheck[] = [];
  // What it probes stays out of its own /readyz (checked: false): it must stay up to report them down.
  if (config.DATABASE_URL) platformChecks.push(postgresCheck(kit.postgres(config.DATABASE_URL, { max: 2, checked: false }), timeoutMs));
  if (config.REDIS_URL) platformChecks.push(redisCheck(kit.redis(config.REDIS_URL, { checked: false }), timeoutMs));
  const brokers = config.KAFKA_BROKERS?.split(",");
  if (brokers) platformChecks.push(kafkaCheck(kit.kafka(brokers, { checked: false }), timeoutMs));
  const discoveryUrl = config.DISCOVERY_URL && config.REDIS_URL ? config.DISCOVERY_URL : undefined;
  const listServices =
    config.REGISTRATIONS_DATABASE_URL && brokers
      ? learnRegistrations(kit, kit.postgres(config.REGISTRATIONS_DATABASE_URL, { name: "registrations", max: 4 }), brokers)
      : discoveryUrl
        ? serviceLister(kit, discoveryUrl, timeoutMs)
        : undefined;
  const reportHealth = discoveryUrl ? createHealthReporter(kit, discoveryUrl, timeoutMs) : undefined;

  const registry = kit.metrics.registry;
  const up = new Gauge({ name: "armature_health_check_up", help: "1 when the check passes or warns, 0 when it fails.", labelNames: ["check", "component"] as const, registers: [registry] });
  const seconds = new Gauge({ name: "armature_health_check_duration_seconds", help: "How long the check took.", labelNames: ["check", "component"] as const, registers: [registry] });
  const overall = new Gauge({ name: "armature_health_status", help: "Platform status of the latest round: 0 pass, 1 warn, 2 fail.", registers: [registry] });

  let latest: HealthDocument | undefined;
  let probedAt: string | undefined;
  const meta = { serviceId: "health", version: config.SERVICE_VERSION, description: "Armature platform health" };

  async function probe(): Promise<HealthDocument> {
    const checks = [...platformChecks];
    const listing: HealthCheck = { key: "discovery:services", componentType: "component", timeoutMs, run: () => Promise.resolve({ observedValue: services.length, observedUnit: "services" }) };
    let services: Registration[] = [];
    if (listServices) {
      try {
        services = await listServices();
        checks.push(listing, ...endpointChecks(services, config.SERVICE_PROBE_PATH, timeoutMs));
      } catch (error) {
        checks.push({ ...listing, run: () => Promise.reject(error instanceof Error ? error : new Error(String(error))) });
      }
    }
    const document = await runChecks(checks, meta);
    up.reset();
    seconds.reset();
    for (const [key, results] of Object.entries(document.checks ?? {})) {
      for (const result of results) {
        const labels = { check: key, component: result.componentId ?? key.split(":")[0]! };
        up.set(labels, result.status === "fail" ? 0 : 1);
        if (result.observedUnit === "ms" && typeof result.observedValue === "number") seconds.set(labels, result.observedValue / 1000);
      }
    }
    overall.set(STATUS_VALUE[document.status]);
    latest = document;
    probedAt = new Date().toISOString();
    // The round ends once discovery has its statuses (each call bounded by the timeout and breaker),
    // so rounds never overlap; the pages already serve this round meanwhile.
    await reportHealth?.(serviceStatuses(document, services)).catch((error: unknown) => logger.warn({ err: error }, "reporting health to discovery failed"));
    return document;
  }

  let round: Promise<HealthDocument> | undefined;
  const probeOnce = () => (round ??= probe().finally(() => (round = undefined)));
  const timer = setInterval(() => void probeOnce().catch((error: unknown) => logger.error({ err: error }, "probe round failed")), config.HEALTH_PROBE_INTERVAL_MS);
  timer.unref();
  kit.onShutdown(() => clearInterval(timer));
  // The first round runs at start, without holding up readiness.
  void probeOnce().catch((error: unknown) => logger.error({ err: error }, "probe round failed"));

  app.get(
    "/v1/health",
    {
      schema: {
        tags: ["health"],
        summary: "The platform's health: the latest probe of Postgres, Redis, Kafka and every registered service (503 when anything fails).",
        querystring: z.strictObject({ fresh: z.enum(["true", "false"]).optional().describe("Probe now instead of returning the latest round.") }),
        response: { 200: healthDocumentSchema, 503: healthDocumentSchema },
      },
    },
    async (request, reply) => {
      const document = request.query.fresh === "true" || !latest ? await probeOnce() : latest;
      return reply.code(httpStatusFor(document.status)).type(HEALTH_CONTENT_TYPE).send(document);
    },
  );

  app.get("/status", { schema: { tags: ["health"], summary: "A small HTML status page of the latest round.", querystring: z.strictObject({}) } }, async (_request, reply) => {
    const document = latest ?? (await probeOnce());
    return reply.type("text/html; charset=utf-8").send(renderStatusPage(document, probedAt));
  });
}

/** The health service as its image runs it (main.ts), and as tools/openapi documents it. */
export const healthService: ServiceOptions<typeof healthConfigSchema> = {
  name: "health",
  description: "Probes the platform's dependencies and registered services.",
  config: healthConfigSchema,
  setup: setupHealth,
};
