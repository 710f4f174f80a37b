import { z } from "zod";
import { kafkaBrokerList } from "../kit/index";

/** Discovery's own environment keys (the kit's PORT, LOG_*, ... apply too). */
export const discoveryConfigSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "a redis:// or rediss:// URL"),
  /** Cached lookups are refetched after this long even when no change was pushed. */
  DISCOVERY_CACHE_TTL_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Comma-separated host:port list. Set: the relay publishes the registry's journal to discovery.registration.v1 (apps/kit/events). */
  KAFKA_BROKERS: kafkaBrokerList.optional(),
});
export type DiscoveryConfig = z.infer<typeof discoveryConfigSchema>;
