/**
 * Write routes in their own encapsulated Fastify context: its preHandler requires the invocation's
 * actor (a 401 problem otherwise, because every change is audited) and puts it on `request.actor`,
 * so no handler repeats the check. Root hooks (authentication, validation, authorisation) run first.
 * https://fastify.dev/docs/latest/Reference/Encapsulation/
 */
import type { App } from "./service";
import { type Actor, requireActor } from "./audit-actor";

declare module "fastify" {
  interface FastifyRequest {
    /** Who makes this change; set only inside `actorRoutes`. */
    actor: Actor;
  }
}

/** Registers `routes` in a context where every request has an actor (Fastify adds them when it loads plugins). */
export function actorRoutes(app: App, routes: (scope: App) => void | Promise<void>): void {
  void app.register(async (scope) => {
    const typed = scope as unknown as App;
    typed.decorateRequest("actor", null as unknown as Actor);
    typed.addHook("preHandler", async (request, reply) => {
      const by = requireActor(reply);
      if (!by) return reply;
      request.actor = by;
    });
    await routes(typed);
  });
}
