/**
 * Health documents in the `application/health+json` format (draft-inadvisable-health-check):
 * an overall status, and checks keyed `component:measurement`, each with the time it was taken.
 */
import { z } from "zod";

export const HEALTH_CONTENT_TYPE = "application/health+json";

export const healthStatusSchema = z.enum(["pass", "warn", "fail"]);
export type HealthStatus = z.infer<typeof healthStatusSchema>;

export const checkResultSchema = z.object({
  componentId: z.string().optional(),
  componentType: z.string(),
  observedValue: z.union([z.number(), z.string()]).optional(),
  observedUnit: z.string().optional(),
  status: healthStatusSchema,
  time: z.string().describe("When this check was taken (ISO 8601)."),
  output: z.string().optional().describe("Why a check warns or fails."),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

/** The health document's name among the OpenAPI document's component schemas. */
export const HEALTH_COMPONENT = "HealthDocument";

export const healthDocumentSchema = z
  .object({
    status: healthStatusSchema,
    version: z.string().optional(),
    serviceId: z.string().optional(),
    description: z.string().optional(),
    checks: z.record(z.string(), z.array(checkResultSchema)).optional(),
  })
  .meta({ id: HEALTH_COMPONENT, description: "A health document (application/health+json): 200 for pass and warn, 503 for fail." });
export type HealthDocument = z.infer<typeof healthDocumentSchema>;

const RANK: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = "pass";
  for (const status of statuses) if (RANK[status] > RANK[worst]) worst = status;
  return worst;
}

/** pass and warn still serve traffic; fail does not. */
export function httpStatusFor(status: HealthStatus): 200 | 503 {
  return status === "fail" ? 503 : 200;
}
