/**
 * The health service: probes Postgres, Redis, Kafka and every service registered in discovery on
 * an interval, and serves the latest round as application/health+json (/v1/health), Prometheus
 * gauges for alerting (/metrics) and an HTML status page (/status); each registered service's
 * status goes back to discovery after every round (health-reports.ts). Its own /readyz does not
 * depend on what it probes: it must stay up to report that they are down.
 */
import { Gauge } from "prom-client";
import { z } from "zod";
import { createKafka, createPostgresPool, createRedis } from "../kit/dependencies";
import { kafkaCheck, postgresCheck, redisCheck } from "../kit/health/dependency-checks";
import { HEALTH_CONTENT_TYPE, type HealthCheck, type HealthDocument, type KitConfig, type ServiceKit, healthDocumentSchema, runChecks } from "../kit/index";
import { DiscoveryClient } from "../discovery/sdk/index";
import type { HealthConfig } from "./config";
import { createHealthReporter, serviceStatuses } from "./health-reports";
import { endpointChecks } from "./service-checks";
import { renderStatusPage } from "./status-page";

const STATUS_VALUE = { pass: 0, warn: 1, fail: 2 } as const;

export function setupHealth(kit: ServiceKit<KitConfig & HealthConfig>): void {
  const { config, logger, app } = kit;
  const timeoutMs = config.HEALTH_CHECK_TIMEOUT_MS;
  const platformChecks: HealthCheck[] = [];
  if (config.DATABASE_URL) {
    const pool = createPostgresPool(config.DATABASE_URL, { timeoutMs, max: 2, logger });
    platformChecks.push(postgresCheck(pool, timeoutMs));
    kit.onShutdown(() => pool.end());
  }
  if (config.REDIS_URL) {
    const redis = createRedis(config.REDIS_URL, { timeoutMs, logger, connectionName: "health", tlsCaFile: config.REDIS_TLS_CA_FILE });
    platformChecks.push(redisCheck(redis, timeoutMs));
    kit.onShutdown(() => redis.quit().catch(() => redis.disconnect()));
  }
  if (config.KAFKA_BROKERS) {
    const admin = createKafka(config.KAFKA_BROKERS.split(","), { clientId: "health", timeoutMs, logger, auth: config.KAFKA_AUTH }).admin();
    platformChecks.push(kafkaCheck(admin, timeoutMs));
    kit.onShutdown(() => admin.disconnect());
  }
  const discovery = config.DISCOVERY_URL && config.REDIS_URL ? new DiscoveryClient({ url: config.DISCOVERY_URL, redisUrl: config.REDIS_URL, redisTlsCaFile: config.REDIS_TLS_CA_FILE, timeoutMs, logger }) : undefined;
  if (discovery) kit.onShutdown(() => discovery.close());
  const reportHealth = discovery && config.DISCOVERY_URL ? createHealthReporter(kit, config.DISCOVERY_URL, timeoutMs) : undefined;

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
    let services: Awaited<ReturnType<DiscoveryClient["list"]>> = [];
    if (discovery) {
      try {
        services = await discovery.list();
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
      return reply.code(document.status === "fail" ? 503 : 200).type(HEALTH_CONTENT_TYPE).send(document);
    },
  );

  app.get("/status", { schema: { tags: ["health"], summary: "A small HTML status page of the latest round.", querystring: z.strictObject({}) } }, async (_request, reply) => {
    const document = latest ?? (await probeOnce());
    return reply.type("text/html; charset=utf-8").send(renderStatusPage(document, probedAt));
  });
}
