/**
 * The invocation context: who is calling (tenant, actor), the trace this call belongs to, and the
 * per-invocation toggles. It arrives as a W3C `traceparent` plus the `x-armature-context` header
 * (base64url JSON), is forked on every service hop (a new invocation id; the caller's becomes the
 * parent) and is forwarded on outgoing calls. Its JSON Schema is schemas/invocation-context.schema.json.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const CONTEXT_HEADER = "x-armature-context";
/** Largest context header accepted: the context rides on every hop, so it must stay small. */
export const MAX_CONTEXT_HEADER_BYTES = 4096;

const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@/-]+$/, "letters, digits and . _ : @ / - only");

export const actorSchema = z.strictObject({
  id,
  type: z.enum(["user", "service"]),
  /** The account this actor acts for, when impersonating. */
  onBehalfOf: id.optional(),
});

export const togglesSchema = z
  .record(z.string().min(1).max(64), z.union([z.boolean(), z.number(), z.string().max(256)]))
  .refine((toggles) => Object.keys(toggles).length <= 32, "at most 32 toggles");

/** What travels in the context header between services. */
export const wireContextSchema = z.strictObject({
  /** The sender's invocation id: it becomes the receiver's parentInvocationId. */
  invocationId: id.optional(),
  tenant: id.optional(),
  actor: actorSchema.optional(),
  toggles: togglesSchema.optional(),
  /** Sends this request (and the calls it makes) to a developer's override; see apps/discovery. */
  routingKey: id.optional(),
});
export type WireContext = z.infer<typeof wireContextSchema>;

export interface InvocationContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly invocationId: string;
  readonly parentInvocationId?: string;
  readonly tenant?: string;
  readonly actor?: z.infer<typeof actorSchema>;
  readonly toggles?: Readonly<Record<string, boolean | number | string>>;
  readonly routingKey?: string;
}

export class ContextHeaderError extends Error {}

/** Decodes the context header; a missing header is an empty context, a malformed one an error. */
export function decodeContextHeader(value: string | string[] | undefined): WireContext {
  if (value === undefined || value === "") return {};
  if (Array.isArray(value)) throw new ContextHeaderError(`send one ${CONTEXT_HEADER} header, not ${value.length}`);
  if (value.length > MAX_CONTEXT_HEADER_BYTES) {
    throw new ContextHeaderError(`${CONTEXT_HEADER} is ${value.length} bytes; at most ${MAX_CONTEXT_HEADER_BYTES} are accepted`);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    throw new ContextHeaderError(`${CONTEXT_HEADER} must be base64url-encoded JSON`);
  }
  const parsed = wireContextSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new ContextHeaderError(`${CONTEXT_HEADER} is not a valid invocation context: ${problems.join("; ")}`);
  }
  return parsed.data;
}

export function encodeContextHeader(context: InvocationContext): string {
  const wire: WireContext = {
    invocationId: context.invocationId,
    tenant: context.tenant,
    actor: context.actor,
    toggles: context.toggles,
    routingKey: context.routingKey,
  };
  return Buffer.from(JSON.stringify(wire), "utf8").toString("base64url");
}

/** This hop's context: a fresh invocation id, the caller's as parent, everything else carried over. */
export function forkContext(received: WireContext, trace: { traceId: string; spanId: string }): InvocationContext {
  return {
    traceId: trace.traceId,
    spanId: trace.spanId,
    invocationId: randomUUID(),
    parentInvocationId: received.invocationId,
    tenant: received.tenant,
    actor: received.actor,
    toggles: received.toggles,
    routingKey: received.routingKey,
  };
}
