/**
 * An exposure: one subject was evaluated for an experiment flag (one with `exposures: true`) and
 * got this answer. SDKs send them in batches to POST /v1/exposures; the service writes each to the
 * Kafka topic flags.exposure.v1 (JSON, keyed by flag and subject), where analyses join them with
 * outcomes. One per subject, flag and answer per `dedupeWindowMs` in each SDK process.
 */
import { z } from "zod";
import { environmentNameSchema, flagKeySchema } from "./definition";

const subject = z.string().min(1).max(256);

export const exposureSchema = z.strictObject({
  id: z.uuid().describe("Unique per event: consumers drop duplicates by it (delivery is at least once)."),
  at: z.iso.datetime().describe("When the subject was evaluated."),
  flag: flagKeySchema,
  environment: environmentNameSchema,
  enabled: z.boolean(),
  variant: z.string().min(1).max(64).optional(),
  reason: z.enum(["TARGETING_MATCH", "SPLIT", "DEFAULT", "DISABLED", "STATIC"]),
  userId: subject.optional(),
  organisationId: subject.optional(),
  sessionId: subject.optional(),
  appName: z.string().min(1).max(128).optional().describe("The service that evaluated the flag."),
  flagSetVersion: z.number().int().min(0),
  invocationId: z.string().min(1).max(128).optional(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
});
export type Exposure = z.infer<typeof exposureSchema>;

export const exposureBatchSchema = z.strictObject({ exposures: z.array(exposureSchema).min(1).max(1000) });

export const EXPOSURE_TOPIC = "flags.exposure.v1";

/** Who the exposure is about, for the Kafka key (a subject's events stay in order on one partition). */
export function exposureSubject(exposure: Exposure): string {
  return exposure.userId ?? exposure.organisationId ?? exposure.sessionId ?? "anonymous";
}
