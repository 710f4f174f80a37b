/** Discovery's REST API (documented in the generated OpenAPI at /openapi.json). */
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { ACTOR_REQUIRED, type App, problemSchema, requireActor, sendProblem } from "../kit/index";
import * as access from "./access";
import type { RegistryCache } from "./registry-cache";
import type { RegistryStore } from "./registry-store";
import {
  auditEntrySchema,
  createOverrideBodySchema,
  overrideSchema,
  putHealthBodySchema,
  putServiceBodySchema,
  serviceDocumentSchema,
  serviceNameSchema,
  type ServiceDocument,
  withLiveOverrides,
} from "./service-document";
import { settingsProblems } from "./settings-validation";

export interface RegistryRoutesDeps {
  readonly store: RegistryStore;
  readonly cache: RegistryCache;
  /** Tells every replica and SDK that `service` changed: its new document, or undefined when deleted. */
  publish(service: string, revision: number, document: ServiceDocument | undefined): Promise<void>;
}

const nameParams = z.strictObject({ name: serviceNameSchema });
const errors = { 400: problemSchema, 401: problemSchema, 404: problemSchema };
const tags = ["registry"];
const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

function notFound(reply: FastifyReply, name: string) {
  return sendProblem(reply, { status: 404, code: "service_not_found", detail: `no service named ${name} is registered` });
}

export function registerRegistryRoutes(app: App, deps: RegistryRoutesDeps): void {
  const { store, cache } = deps;

  app.get("/v1/services", { schema: { tags, summary: "Every registered service.", response: { 200: z.object({ services: z.array(serviceDocumentSchema) }) } } }, async () => ({
    services: (await store.list()).map((document) => withLiveOverrides(document)),
  }));

  app.get(
    "/v1/services/:name",
    { config: { authorisation: access.readRegistration }, schema: { tags, summary: "One service: endpoints, version, settings, health and live overrides.", params: nameParams, response: { 200: serviceDocumentSchema, ...errors } } },
    (request, reply) => {
      // Served from memory as bytes serialized once per change (checked against the response schema
      // then), without a promise when cached: this is the route every SDK refresh and health probe hits.
      const send = (body: Buffer | undefined): void => {
        if (body) reply.type(JSON_CONTENT_TYPE).send(body as unknown as ServiceDocument);
        else notFound(reply, request.params.name);
      };
      const body = cache.body(request.params.name);
      return body instanceof Promise ? body.then(send) : send(body);
    },
  );

  app.put(
    "/v1/services/:name",
    {
      config: { authorisation: access.changeRegistration },
      schema: {
        tags,
        summary: "Register a service or replace its registration.",
        description: "When `settingsSchema` is given it must be a JSON Schema (2020-12) and `settings` must satisfy it: the service checks both (400 invalid_settings), as one JSON Schema cannot state another's rules.",
        security: ACTOR_REQUIRED,
        params: nameParams,
        body: putServiceBodySchema,
        response: { 200: serviceDocumentSchema, 201: serviceDocumentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const by = requireActor(reply);
      if (!by) return reply;
      const problems = settingsProblems(request.body.settings ?? {}, request.body.settingsSchema);
      if (problems.length > 0) {
        return sendProblem(reply, {
          status: 400,
          code: "invalid_settings",
          detail: `the settings do not satisfy settingsSchema: ${problems.join("; ")}`,
          issues: problems.map((message) => ({ in: "body", path: "settings", message })),
        });
      }
      const { document, created } = await store.put(request.params.name, request.body, by);
      cache.set(document.name, document);
      await deps.publish(document.name, document.revision, document);
      return reply.code(created ? 201 : 200).send(document);
    },
  );

  app.delete("/v1/services/:name", { config: { authorisation: access.changeRegistration }, schema: { tags, summary: "Deregister a service.", security: ACTOR_REQUIRED, params: nameParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    const by = requireActor(reply);
    if (!by) return reply;
    const removed = await store.remove(request.params.name, by);
    if (!removed) return notFound(reply, request.params.name);
    cache.set(request.params.name, undefined);
    await deps.publish(request.params.name, removed.revision + 1, undefined);
    return reply.code(204).send(null);
  });

  app.put(
    "/v1/services/:name/health",
    { config: { authorisation: access.reportHealth }, schema: { tags, summary: "Record a service's observed health (the health service does this).", security: ACTOR_REQUIRED, params: nameParams, body: putHealthBodySchema, response: { 200: serviceDocumentSchema, ...errors } } },
    async (request, reply) => {
      const by = requireActor(reply);
      if (!by) return reply;
      const recorded = await store.setHealth(request.params.name, request.body.status, by);
      if (!recorded) return notFound(reply, request.params.name);
      const { document, changed } = recorded;
      cache.set(document.name, document);
      if (changed) await deps.publish(document.name, document.revision, document);
      return withLiveOverrides(document);
    },
  );

  app.get(
    "/v1/services/:name/audit",
    {
      config: { authorisation: access.readRegistration },
      schema: {
        tags,
        summary: "Who changed this service and its overrides, when, and from what to what (newest first).",
        params: nameParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ entries: z.array(auditEntrySchema) }), ...errors },
      },
    },
    async (request) => ({ entries: await store.auditTrail(request.params.name, request.query.limit) }),
  );

  app.post(
    "/v1/services/:name/overrides",
    {
      config: { authorisation: access.createOverride },
      schema: {
        tags: ["overrides"],
        summary: "Route this service to another target (e.g. a developer's laptop) for one environment or one routing key, until it expires.",
        description: "Give exactly one of `environment` and `routingKey` (the body schema's oneOf).",
        security: ACTOR_REQUIRED,
        params: nameParams,
        body: createOverrideBodySchema,
        response: { 201: overrideSchema, ...errors },
      },
    },
    async (request, reply) => {
      const by = requireActor(reply);
      if (!by) return reply;
      const result = await store.addOverride(request.params.name, request.body, by);
      if (!result) return notFound(reply, request.params.name);
      cache.set(result.document.name, result.document);
      await deps.publish(result.document.name, result.document.revision, result.document);
      return reply.code(201).send(result.override);
    },
  );

  app.delete(
    "/v1/services/:name/overrides/:id",
    { config: { authorisation: access.deleteOverride }, schema: { tags: ["overrides"], summary: "Remove an override before it expires.", security: ACTOR_REQUIRED, params: z.strictObject({ name: serviceNameSchema, id: z.uuid() }), response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      const by = requireActor(reply);
      if (!by) return reply;
      const document = await store.removeOverride(request.params.name, request.params.id, by);
      if (!document) {
        return sendProblem(reply, { status: 404, code: "override_not_found", detail: `service ${request.params.name} has no override ${request.params.id}` });
      }
      cache.set(document.name, document);
      await deps.publish(document.name, document.revision, document);
      return reply.code(204).send(null);
    },
  );
}
