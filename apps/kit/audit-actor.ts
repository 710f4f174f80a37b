/**
 * Who made a change, for audit logs: the actor of the invocation context. A change without one is
 * refused with 401, because the audit must say who.
 */
import type { FastifyReply } from "fastify";
import { sendProblem } from "./http-errors";
import { currentScope } from "./invocation-scope";

export interface Actor {
  /** The actor's id, or "<id> for <onBehalfOf>" when impersonating. */
  readonly actor: string;
  readonly invocationId?: string;
  readonly traceId?: string;
}

/** The current invocation's actor; undefined after sending a 401 problem when there is none. */
export function requireActor(reply: FastifyReply): Actor | undefined {
  const scope = currentScope();
  const context = scope?.context;
  if (!context?.actor) {
    sendProblem(reply, { status: 401, code: "actor_required", detail: actorRequiredDetail(scope?.callerAuthentication === true) });
    return undefined;
  }
  const actor = context.actor.onBehalfOf ? `${context.actor.id} for ${context.actor.onBehalfOf}` : context.actor.id;
  return { actor, invocationId: context.invocationId, traceId: context.traceId };
}

/** How to name an actor: with a token where callers are authenticated, else in the context header. */
export function actorRequiredDetail(callerAuthentication: boolean): string {
  return callerAuthentication
    ? "changes are audited: call with `Authorization: Bearer <token>`, a service-account token for this platform's audience (in a pod: the file CALLER_TOKEN_FILE names; for a person: `kubectl -n platform create token <account> --audience armature-platform`)"
    : "changes are audited: send an invocation context (x-armature-context) with an actor, e.g. {\"actor\":{\"id\":\"alice\",\"type\":\"user\"}}";
}

/**
 * The columns every audit log shares (migrations/discovery, migrations/flags): who, in which
 * invocation and trace, and the value before and after as jsonb text (null when there is none).
 */
export function auditColumns(by: Actor, before: unknown, after: unknown) {
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  return { actor: by.actor, invocation_id: by.invocationId ?? null, trace_id: by.traceId ?? null, before: json(before), after: json(after) };
}
