/** The discovery API's documents: what a service registration, an override and an audit entry look like. */
import { z } from "zod";
import { auditEntrySchemaFor } from "../kit/index";

export const serviceNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "a lowercase DNS label: a-z, 0-9 and -, starting with a letter, at most 63 characters");

// The scheme rule in the OpenAPI document too (format: uri alone allows any scheme); URL() lower-cases the scheme first.
const httpUrl = z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" }).max(2048).meta({ pattern: "^[Hh][Tt][Tt][Pp][Ss]?://" });
const label = z.string().regex(/^[A-Za-z0-9._:@/-]{1,128}$/, "1-128 characters: letters, digits and . _ : @ / -");
/**
 * Any JSON value: a parsed body holds nothing else. (z.json() says the same, but it is recursive, and
 * its JSON Schema became a `$ref` the OpenAPI document could not resolve.)
 */
const jsonValue = z.unknown().describe("Any JSON value.");
const jsonObject = z.record(z.string().max(256), jsonValue);

export const putServiceBodySchema = z.strictObject({
  endpoints: z.array(httpUrl).min(1).max(32).describe("Where the service listens; the SDK spreads calls over them."),
  version: z.string().min(1).max(64),
  settings: jsonObject.optional().describe("Settings the service wants its clients to use (validated against settingsSchema when given)."),
  settingsSchema: jsonObject.optional().describe("A JSON Schema (2020-12) the settings must satisfy, now and on every later change."),
});
export type PutServiceBody = z.infer<typeof putServiceBodySchema>;

export const putHealthBodySchema = z.strictObject({ status: z.enum(["pass", "warn", "fail"]) });

export const createOverrideBodySchema = z
  .strictObject({
    target: httpUrl.describe("Where to send this service's traffic instead, e.g. a developer's laptop through a tunnel."),
    environment: label.optional().describe("Applies to every client in this environment (e.g. dev-alice)."),
    routingKey: label.optional().describe("Applies only to requests whose invocation context carries this routing key."),
    ttlSeconds: z.number().int().min(1).max(86_400).describe("The override expires after this many seconds (at most a day)."),
  })
  .refine((body) => (body.environment === undefined) !== (body.routingKey === undefined), { message: "give exactly one of environment or routingKey" })
  // The same rule in the OpenAPI document (a refinement has no JSON Schema of its own).
  .meta({ oneOf: [{ required: ["environment"] }, { required: ["routingKey"] }] });

export const overrideSchema = z.object({
  id: z.string(),
  target: z.string(),
  environment: z.string().optional(),
  routingKey: z.string().optional(),
  expiresAt: z.string(),
  createdBy: z.string(),
});
export type Override = z.infer<typeof overrideSchema>;

export const serviceDocumentSchema = z.object({
  name: z.string(),
  endpoints: z.array(z.string()),
  version: z.string(),
  settings: z.record(z.string(), z.unknown()),
  settingsSchema: z.record(z.string(), z.unknown()).optional(),
  health: z.object({ status: z.enum(["unknown", "pass", "warn", "fail"]), checkedAt: z.string().optional() }),
  revision: z.number().int(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  overrides: z.array(overrideSchema).describe("Overrides that have not expired."),
});
export type ServiceDocument = z.infer<typeof serviceDocumentSchema>;

/** The audit log's entities and actions (its check constraints, migrations/discovery). */
export const auditEntrySchema = auditEntrySchemaFor(["service", "override"], ["create", "update", "delete", "health"]);
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Drops overrides whose expiry has passed (documents may be cached past an expiry). */
export function withLiveOverrides(document: ServiceDocument, now = Date.now()): ServiceDocument {
  const live = document.overrides.filter((override) => Date.parse(override.expiresAt) > now);
  return live.length === document.overrides.length ? document : { ...document, overrides: live };
}
