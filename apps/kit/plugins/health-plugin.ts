/**
 * Health: the probe endpoints over the service's checks (health/health-routes.ts), and draining.
 * While draining, every response closes its connection, so keep-alive clients reconnect elsewhere
 * and the server can finish closing as soon as in-flight requests are done. Wrapped with
 * fastify-plugin: the drain hook must apply to every route.
 */
import fastifyPlugin from "fastify-plugin";
import { type HealthState, registerHealthRoutes } from "../health/health-routes";

export interface HealthOptions {
  /** The checks /readyz and /startupz run (the kit adds one per dependency client), and whether the service drains. */
  readonly state: HealthState;
  readonly meta: { readonly serviceId: string; readonly version: string };
}

export const healthPlugin = fastifyPlugin<HealthOptions>(
  (app, { state, meta }, pluginDone) => {
    app.addHook("onSend", (_request, reply, payload, done) => {
      if (state.draining) reply.header("connection", "close");
      done(null, payload);
    });
    registerHealthRoutes(app, state, meta);
    pluginDone();
  },
  { name: "armature-health", fastify: "5.x" },
);
