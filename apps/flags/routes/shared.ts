/** What the flags API's routes share: error responses, the audit entry schema, 404s, publishing. */
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { auditEntrySchemaFor, problemSchema, sendDomainProblem } from "../../kit/index";
import type { FlagChange } from "../change-feed";
import { missing } from "../flag-store";

export const errorResponses = { 400: problemSchema, 401: problemSchema, 404: problemSchema, 409: problemSchema };

/** The rules of a constraint the service checks beyond the body schema (definition-problems.ts): 400 invalid_constraint. */
export const CONSTRAINT_RULES =
  "Checked by the service beyond the schema (400 invalid_constraint): REGEX values are RE2 expressions (no look-around or back-references), IN_CIDR values IP addresses or CIDR ranges. The value/values split and the NUM_*, DATE_* and SEMVER_* value formats are in the schema, and checked with the same patterns.";

/** The rules of a flag definition that need the other flags and segments, or arithmetic JSON Schema cannot do. */
export const DEFINITION_RULES = `Checked by the service beyond the schema: every segment a rule or opt-out names exists (400 unknown_segment); each variant list's weights add up to 1000, its names are unique and its variants share one stickiness, json and number payloads parse (400 invalid_weights, invalid_variants); a dependency names another existing flag that has no dependencies itself, once (400 invalid_dependency). ${CONSTRAINT_RULES}`;

/** Tells every flags replica and SDK about a committed change. */
export type PublishChange = (change: FlagChange) => Promise<void>;

/** On every write's response: the flag-set version it produced (an SDK holding it has the change). */
export const VERSION_HEADER = "x-flag-set-version";

/** Publishes the change and names its version on the response. */
export async function announce(reply: FastifyReply, publish: PublishChange, change: FlagChange): Promise<void> {
  reply.header(VERSION_HEADER, String(change.version));
  await publish(change);
}

export const auditQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/** The audit log's entities and actions (its check constraints, migrations/flags), and the version each change produced. */
export const auditEntrySchema = auditEntrySchemaFor(["flag", "segment"], ["create", "update", "delete", "transition"], {
  version: z.number().int().describe("The flag-set version this change produced."),
});

export function notFound(reply: FastifyReply, what: "flag" | "segment", key: string): FastifyReply {
  return sendDomainProblem(reply, missing(what, key));
}
