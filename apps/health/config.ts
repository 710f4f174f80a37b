import { z } from "zod";
import { kafkaBrokerList } from "../kit/index";

/** The health service's own environment keys (the kit's PORT, LOG_*, ... apply too). */
export const healthConfigSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL").optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "a redis:// or rediss:// URL").optional(),
  /** Comma-separated host:port list. */
  KAFKA_BROKERS: kafkaBrokerList.optional(),
  /** Discovery's base URL: every service registered there is probed. Needs REDIS_URL for its pushes. */
  DISCOVERY_URL: z.url().optional(),
  /**
   * Health's own database (migrations/health). Set with KAFKA_BROKERS: health learns registrations from
   * discovery's events (discovery.registration.v1) into it, and probes those instead of listing discovery over HTTP.
   */
  REGISTRATIONS_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL").optional(),
  /** How often everything is probed; pages and metrics show the latest round. */
  HEALTH_PROBE_INTERVAL_MS: z.coerce.number().int().min(500).max(300_000).default(10_000),
  /** Path probed on each registered endpoint. */
  SERVICE_PROBE_PATH: z.string().startsWith("/").default("/readyz"),
});
export type HealthConfig = z.infer<typeof healthConfigSchema>;
