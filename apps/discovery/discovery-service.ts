/** Wires the discovery service on the kit: Postgres registry, read cache, Redis change push, REST API. */
import { type KitConfig, type ServiceKit, type ServiceOptions, log, runRelay } from "../kit/index";
import { CHANGES_CHANNEL, changeMessage, followChanges } from "./change-feed";
import { type DiscoveryConfig, discoveryConfigSchema } from "./config";
import { RegistryCache } from "./registry-cache";
import { RegistryStore } from "./registry-store";
import { registrationRead } from "./access";
import { JSON_CONTENT_TYPE, LOOKUP_ROUTE, registerRegistryRoutes } from "./routes";
import { serviceNameSchema } from "./service-document";

export function setupDiscovery(kit: ServiceKit<KitConfig & DiscoveryConfig>): void {
  const { config } = kit;
  const pool = kit.postgres(config.DATABASE_URL);
  const store = new RegistryStore(pool);
  // Every change is journalled in its transaction; with Kafka configured, the relay publishes the journal.
  if (config.KAFKA_BROKERS) runRelay(kit, { pool, brokers: config.KAFKA_BROKERS.split(","), database: "discovery" });
  const cache = new RegistryCache(store, kit.guard({ name: "postgres", timeoutMs: 2000, failureThreshold: 5, halfOpenAfterMs: 3000 }), config.DISCOVERY_CACHE_TTL_MS);
  const redis = kit.redis(config.REDIS_URL);
  const subscriber = kit.redis(config.REDIS_URL, { name: "subscriber", checked: false });
  const publishGuard = kit.guard({ name: "redis", timeoutMs: 1000 });

  // Changes from every replica (ours included) update the cached document, or drop it to be read again.
  followChanges(subscriber, {
    onChange: (change) => (change.document ? cache.offer(change.document) : cache.invalidate(change.service)),
    onMissed: () => cache.clear(),
    logger: kit.logger,
  });

  registerRegistryRoutes(kit.app, {
    store,
    cache,
    publish: (service, revision, document) =>
      publishGuard.execute(
        async () => void (await redis.publish(CHANGES_CHANNEL, changeMessage(service, revision, document))),
        // The change is committed; clients still see it when their cache entry's TTL runs out.
        (error) => log().warn({ err: error, service }, "could not push a registry change; clients pick it up at their next refresh"),
      ),
  });
  // Cached lookups are answered before Fastify (kit fast-read.ts); misses and everything unusual take the route.
  kit.fastRead({
    route: LOOKUP_ROUTE,
    accepts: (name) => serviceNameSchema.safeParse(name).success,
    access: registrationRead,
    body: (name) => cache.cachedBody(name),
    contentType: JSON_CONTENT_TYPE,
  });
}

/** The discovery service as its image runs it (main.ts), and as tools/openapi documents it. */
export const discoveryService: ServiceOptions<typeof discoveryConfigSchema> = {
  name: "discovery",
  description: "Where services live: endpoints, version, settings, health, and developer overrides. Changes are pushed through Redis.",
  config: discoveryConfigSchema,
  setup: setupDiscovery,
};
