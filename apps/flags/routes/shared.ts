/** What the flags API's routes share: error responses, the audit entry schema, 404s, publishing. */
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { problemSchema, sendProblem } from "../../kit/index";
import type { FlagChange } from "../change-feed";

export const errorResponses = { 400: problemSchema, 401: problemSchema, 404: problemSchema, 409: problemSchema };

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

export const auditEntrySchema = z.object({
  at: z.string(),
  version: z.number().int().describe("The flag-set version this change produced."),
  actor: z.string(),
  invocationId: z.string().optional(),
  traceId: z.string().optional(),
  entity: z.enum(["flag", "segment"]),
  entityKey: z.string(),
  action: z.enum(["create", "update", "delete", "transition"]),
  before: z.unknown(),
  after: z.unknown(),
});

export function notFound(reply: FastifyReply, what: "flag" | "segment", key: string): FastifyReply {
  return sendProblem(reply, { status: 404, code: `${what}_not_found`, detail: `there is no ${what} ${JSON.stringify(key)}` });
}
