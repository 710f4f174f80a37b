/** Wires the flags service on the kit: Postgres store, Redis change push, REST API, evaluate endpoint, exposures to Kafka. */
import { type KitConfig, type ServiceKit, type ServiceOptions, log, runRelay } from "../kit/index";
import { FLAG_CHANGES_CHANNEL, changeMessage } from "./change-feed";
import { type FlagsConfig, flagsConfigSchema } from "./config";
import { kafkaExposurePublisher } from "./exposure-publisher";
import { FlagStore } from "./flag-store";
import { registerClientRoutes } from "./routes/client-routes";
import { registerFlagRoutes } from "./routes/flag-routes";
import { registerSegmentRoutes } from "./routes/segment-routes";
import type { PublishChange } from "./routes/shared";
import { ExposureRecorder } from "./sdk/exposure-recorder";
import { FlagEvaluations } from "./sdk/flag-evaluations";
import { FlagSetReplica, MAX_COMPILED_ENVIRONMENTS } from "./sdk/flag-set-replica";
import { FlagSetSync } from "./sdk/flag-set-sync";


export async function setupFlags(kit: ServiceKit<KitConfig & FlagsConfig>): Promise<void> {
  const { config } = kit;
  const pool = kit.postgres(config.DATABASE_URL);
  const store = new FlagStore(pool);
  // Every change is journalled in its transaction; with Kafka configured, the relay publishes the journal.
  const brokers = config.KAFKA_BROKERS?.split(",");
  if (brokers) runRelay(kit, { pool, brokers, database: "flags" });
  const redis = kit.redis(config.REDIS_URL);
  const publishGuard = kit.guard({ name: "redis", timeoutMs: 1000 });
  const publish: PublishChange = (change) =>
    publishGuard.execute(
      async () => void (await redis.publish(FLAG_CHANGES_CHANNEL, changeMessage(change))),
      // The change is committed: SDKs find it at their next poll, or through the gap the next push shows.
      (error) => log().warn({ err: error, version: change.version }, "could not push a flag change; SDKs pick it up at their next poll"),
    );

  // The evaluate endpoint's own copy of the flag set, kept current exactly as an SDK's is.
  const replica = new FlagSetReplica();
  const sync = new FlagSetSync({
    replica,
    load: async (current) => (current !== undefined && (await store.version()) === current ? "unchanged" : store.snapshot()),
    redisUrl: config.REDIS_URL,
    redisTlsCaFile: config.REDIS_TLS_CA_FILE,
    pollIntervalMs: config.FLAGS_POLL_INTERVAL_MS,
    retryMs: 1000,
    timeoutMs: config.HEALTH_CHECK_TIMEOUT_MS,
    logger: kit.logger,
    connectionName: "flags-replica",
  });
  kit.onShutdown(() => sync.close());

  const publishExposures = brokers ? kafkaExposurePublisher(kit, brokers, config.EXPOSURE_TOPIC) : undefined;
  const recorder = publishExposures && new ExposureRecorder({ sink: publishExposures, logger: kit.logger });
  if (recorder) kit.onShutdown(() => recorder.close()); // runs before the producer disconnects (last added runs first)

  const evaluations = new Map<string, FlagEvaluations>();
  sync.on("change", () => evaluations.forEach((environment) => environment.reset()));
  const evaluationsFor = (environment: string) => {
    let found = evaluations.get(environment);
    if (!found) {
      if (evaluations.size >= MAX_COMPILED_ENVIRONMENTS) evaluations.clear();
      found = new FlagEvaluations({ replica, environment, honourToggles: true, recorder, logger: kit.logger });
      evaluations.set(environment, found);
    }
    return found;
  };

  registerFlagRoutes(kit.app, store, publish);
  registerSegmentRoutes(kit.app, store, publish);
  registerClientRoutes(kit.app, { store, evaluations: evaluationsFor, version: () => replica.version, flagKeys: () => replica.keys(), stale: () => sync.stale, publishExposures });
  await sync.start().catch((error: unknown) => kit.logger.warn({ err: error }, "the flag set could not be loaded yet; the evaluate endpoint answers 503 until it is"));
}

/** The flags service as its image runs it (main.ts), and as tools/openapi documents it. */
export const flagsService: ServiceOptions<typeof flagsConfigSchema> = {
  name: "flags",
  description: "Feature flags per environment: targeting, segments, sticky rollouts, red/black variants, lifecycle. SDKs evaluate in-process; changes are pushed through Redis.",
  config: flagsConfigSchema,
  setup: setupFlags,
};
