/**
 * Changes are audited with who made them: the actor of the invocation context. A route that changes
 * state calls requireActor(reply) first; without an actor the caller gets a 401 problem saying how
 * to send one.
 */
import type { FastifyReply } from "fastify";
import { sendProblem } from "./http-errors";
import type { InvocationContext } from "./invocation-context";
import { currentContext } from "./invocation-scope";

export type ContextWithActor = InvocationContext & { readonly actor: NonNullable<InvocationContext["actor"]> };

/** The current context when it names an actor; otherwise answers 401 and returns undefined. */
export function requireActor(reply: FastifyReply): ContextWithActor | undefined {
  const context = currentContext();
  if (context?.actor) return context as ContextWithActor;
  sendProblem(reply, {
    status: 401,
    code: "actor_required",
    detail: 'changes are audited: send an invocation context (x-armature-context) with an actor, e.g. {"actor":{"id":"alice","type":"user"}}',
    invocationId: context?.invocationId,
  });
  return undefined;
}
