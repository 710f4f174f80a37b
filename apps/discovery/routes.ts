/** Discovery's REST API (documented in the generated OpenAPI at /openapi.json). */
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { ACTOR_REQUIRED, type App, actorRoutes, answerDomainErrors, problemSchema, sendDomainProblem, sendProblem } from "../kit/index";
import * as access from "./access";
import type { RegistryCache } from "./registry-cache";
import { type RegistryStore, serviceNotFound } from "./registry-store";
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
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
/** The lookup every SDK refresh and health probe makes (discovery-service.ts serves its cache hits as a fast read). */
export const LOOKUP_ROUTE = "/v1/services/:name";

/** A document's bytes as the lookup's 200, or its 404. */
function sendDocument(reply: FastifyReply, name: string, body: Buffer | undefined): void {
  if (body) reply.type(JSON_CONTENT_TYPE).send(body);
  else notFound(reply, name);
}

function notFound(reply: FastifyReply, name: string) {
  return sendDomainProblem(reply, serviceNotFound(name));
}

export function registerRegistryRoutes(app: App, deps: RegistryRoutesDeps): void {
  const { store, cache } = deps;

  app.get("/v1/services", { schema: { tags, summary: "Every registered service.", response: { 200: z.object({ services: z.array(serviceDocumentSchema) }) } } }, async () => ({
    services: (await store.list()).map((document) => withLiveOverrides(document)),
  }));

  app.get(
    LOOKUP_ROUTE,
    { config: { authorisation: access.readRegistration }, schema: { tags, summary: "One service: endpoints, version, settings, health and live overrides.", params: nameParams, response: { 200: serviceDocumentSchema, ...errors } } },
    (request, reply) => {
      // Served from memory as bytes serialized once per change (checked against the response schema
      // then), without a promise or a closure when cached: this is the route every SDK refresh and health probe hits.
      const { name } = request.params;
      const body = cache.body(name);
      return body instanceof Promise ? body.then((loaded) => sendDocument(reply, name, loaded)) : sendDocument(reply, name, body);
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

  // Changes: each needs an actor (request.actor); what the store raises answers as a problem (404).
  actorRoutes(app, (writes) => {
    answerDomainErrors(writes);

    writes.put(
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
        const problems = settingsProblems(request.body.settings ?? {}, request.body.settingsSchema);
        if (problems.length > 0) {
          return sendProblem(reply, {
            status: 400,
            code: "invalid_settings",
            detail: `the settings do not satisfy settingsSchema: ${problems.join("; ")}`,
            issues: problems.map((message) => ({ in: "body", path: "settings", message })),
          });
        }
        const { replayed, outcome } = await store.put(request.params.name, request.body, request.actor);
        const { document, created } = outcome;
        await changed(document.name, document.revision, document, replayed);
        return reply.code(created ? 201 : 200).send(document);
      },
    );

    writes.delete("/v1/services/:name", { config: { authorisation: access.changeRegistration }, schema: { tags, summary: "Deregister a service.", security: ACTOR_REQUIRED, params: nameParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      const { replayed, outcome: removed } = await store.remove(request.params.name, request.actor);
      await changed(request.params.name, removed.revision + 1, undefined, replayed);
      return reply.code(204).send(null);
    });

    writes.put(
      "/v1/services/:name/health",
      { config: { authorisation: access.reportHealth }, schema: { tags, summary: "Record a service's observed health (the health service does this).", security: ACTOR_REQUIRED, params: nameParams, body: putHealthBodySchema, response: { 200: serviceDocumentSchema, ...errors } } },
      async (request) => {
        const { replayed, outcome } = await store.setHealth(request.params.name, request.body.status, request.actor);
        const { document } = outcome;
        if (!replayed) cache.set(document.name, document);
        if (outcome.changed) await deps.publish(document.name, document.revision, document);
        return withLiveOverrides(document);
      },
    );

    writes.post(
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
        const { replayed, outcome } = await store.addOverride(request.params.name, request.body, request.actor);
        await changed(outcome.document.name, outcome.document.revision, outcome.document, replayed);
        return reply.code(201).send(outcome.override);
      },
    );

    writes.delete(
      "/v1/services/:name/overrides/:id",
      { config: { authorisation: access.deleteOverride }, schema: { tags: ["overrides"], summary: "Remove an override before it expires.", security: ACTOR_REQUIRED, params: z.strictObject({ name: serviceNameSchema, id: z.uuid() }), response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        const { replayed, outcome: document } = await store.removeOverride(request.params.name, request.params.id, request.actor);
        await changed(document.name, document.revision, document, replayed);
        return reply.code(204).send(null);
      },
    );
  });

  /**
   * After a change: the new document in this replica's cache and pushed to every other. A retry's
   * replayed outcome may be older than what the cache holds, so it is only pushed again
   * (listeners keep the newer revision they hold).
   */
  async function changed(name: string, revision: number, document: ServiceDocument | undefined, replayed: boolean): Promise<void> {
    if (!replayed) cache.set(name, document);
    await deps.publish(name, revision, document);
  }
}
