/** The flags API: create, read, replace and delete flags, move them along their lifecycle, read their audit trail. */
import { z } from "zod";
import { ACTOR_REQUIRED, type App, actorRoutes, answerDomainErrors } from "../../kit/index";
import type { FlagStore } from "../flag-store";
import * as access from "./access";
import { flagDefinitionSchema, flagDocumentSchema, flagKeySchema, lifecycleSchema } from "../model/definition";
import { DEFINITION_RULES, type PublishChange, announce, auditEntrySchema, auditQuerySchema, errorResponses, notFound } from "./shared";

const params = z.strictObject({ key: flagKeySchema });
const tags = ["flags"];

export function registerFlagRoutes(app: App, store: FlagStore, publish: PublishChange): void {
  app.get(
    "/v1/flags",
    {
      schema: {
        tags,
        summary: "Every flag, optionally only those in one lifecycle stage.",
        querystring: z.strictObject({ lifecycle: lifecycleSchema.optional() }),
        response: { 200: z.object({ flags: z.array(flagDocumentSchema) }), 400: errorResponses[400] },
      },
    },
    async (request) => ({ flags: await store.listFlags(request.query.lifecycle) }),
  );

  app.get("/v1/flags/:key", { schema: { tags, summary: "One flag: its definition per environment and its lifecycle stage.", params, response: { 200: flagDocumentSchema, ...errorResponses } } }, async (request, reply) => {
    const document = await store.getFlag(request.params.key);
    return document ?? notFound(reply, "flag", request.params.key);
  });

  app.get(
    "/v1/flags/:key/audit",
    { schema: { tags, summary: "Who changed this flag, when, and from what to what (newest first).", params, querystring: auditQuerySchema, response: { 200: z.object({ entries: z.array(auditEntrySchema) }), ...errorResponses } } },
    async (request) => ({ entries: await store.auditTrail("flag", request.params.key, request.query.limit) }),
  );

  app.get(
    "/v1/reports/ready-to-remove",
    {
      schema: {
        tags,
        summary: "Always-on flags: their checks can be removed from code, then the flags deleted.",
        response: { 200: z.object({ flags: z.array(z.object({ key: z.string(), description: z.string(), alwaysOnSince: z.string(), updatedBy: z.string() })) }) },
      },
    },
    async () => ({
      flags: (await store.listFlags("always-on")).map((flag) => ({ key: flag.key, description: flag.description, alwaysOnSince: flag.lifecycleChangedAt, updatedBy: flag.updatedBy })),
    }),
  );

  // Changes: each needs an actor (request.actor); what the store raises answers as a problem (400, 404, 409).
  actorRoutes(app, (writes) => {
    answerDomainErrors(writes);

    writes.put(
      "/v1/flags/:key",
      {
        config: { authorisation: access.putFlag },
        schema: {
          tags,
          summary: "Create a flag (it starts off-by-default) or replace its definition. Segments and parent flags must exist; variant weights add up to 1000.",
          description: DEFINITION_RULES,
          security: ACTOR_REQUIRED,
          params,
          body: flagDefinitionSchema,
          response: { 200: flagDocumentSchema, 201: flagDocumentSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { document, created, change } = await store.putFlag(request.params.key, request.body, request.actor);
        await announce(reply, publish, change);
        return reply.code(created ? 201 : 200).send(document);
      },
    );

    writes.delete("/v1/flags/:key", { config: { authorisation: access.changeWholeFlag }, schema: { tags, summary: "Delete a flag (after its checks are gone from code). 409 while other flags depend on it.", security: ACTOR_REQUIRED, params, response: { 204: z.null(), ...errorResponses } } }, async (request, reply) => {
      await announce(reply, publish, await store.deleteFlag(request.params.key, request.actor));
      return reply.code(204).send(null);
    });

    writes.post(
      "/v1/flags/:key/lifecycle",
      {
        config: { authorisation: access.changeWholeFlag },
        schema: {
          tags,
          summary: "Move a flag along off-by-default → on-by-default → always-on (on-by-default may go back). Any other move is a 409.",
          security: ACTOR_REQUIRED,
          params,
          body: z.strictObject({ to: lifecycleSchema }),
          response: { 200: flagDocumentSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { document, change } = await store.transition(request.params.key, request.body.to, request.actor);
        if (change) await announce(reply, publish, change);
        return document;
      },
    );
  });
}
