import { z } from "zod";
import { kafkaBrokerList } from "../kit/index";
import { EXPOSURE_TOPIC } from "./model/exposure";

/** The flags service's own environment keys (the kit's PORT, LOG_*, ... apply too). */
export const flagsConfigSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "a redis:// or rediss:// URL"),
  /** Comma-separated host:port list. Unset: exposure events are not recorded (the API says so). */
  KAFKA_BROKERS: kafkaBrokerList.optional(),
  EXPOSURE_TOPIC: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v\d+$/, "a topic named <domain>.<entity>.v<N>").default(EXPOSURE_TOPIC),
  /** The evaluate endpoint's copy of the flag set is reloaded this often even without a push. */
  FLAGS_POLL_INTERVAL_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
});
export type FlagsConfig = z.infer<typeof flagsConfigSchema>;
