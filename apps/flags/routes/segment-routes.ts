/** The segments API: reusable sets of constraints ("internal users", "enterprise orgs") that flags refer to by key. */
import { z } from "zod";
import { ACTOR_REQUIRED, type App, actorRoutes, answerDomainErrors } from "../../kit/index";
import type { FlagStore } from "../flag-store";
import * as access from "./access";
import { segmentDefinitionSchema, segmentDocumentSchema, segmentKeySchema } from "../model/definition";
import { CONSTRAINT_RULES, type PublishChange, announce, auditEntrySchema, auditQuerySchema, errorResponses, notFound } from "./shared";

const params = z.strictObject({ key: segmentKeySchema });
const tags = ["segments"];

export function registerSegmentRoutes(app: App, store: FlagStore, publish: PublishChange): void {
  app.get("/v1/segments", { schema: { tags, summary: "Every segment.", response: { 200: z.object({ segments: z.array(segmentDocumentSchema) }) } } }, async () => ({
    segments: await store.listSegments(),
  }));

  app.get("/v1/segments/:key", { schema: { tags, summary: "One segment.", params, response: { 200: segmentDocumentSchema, ...errorResponses } } }, async (request, reply) => {
    const document = await store.getSegment(request.params.key);
    return document ?? notFound(reply, "segment", request.params.key);
  });

  app.get(
    "/v1/segments/:key/audit",
    { schema: { tags, summary: "Who changed this segment, when, and from what to what (newest first).", params, querystring: auditQuerySchema, response: { 200: z.object({ entries: z.array(auditEntrySchema) }), ...errorResponses } } },
    async (request) => ({ entries: await store.auditTrail("segment", request.params.key, request.query.limit) }),
  );

  // Changes: each needs an actor (request.actor); what the store raises answers as a problem (400, 404, 409).
  actorRoutes(app, (writes) => {
    answerDomainErrors(writes);

    writes.put(
      "/v1/segments/:key",
      { config: { authorisation: access.changeSegment }, schema: { tags, summary: "Create or replace a segment; every flag using it changes with it.", description: CONSTRAINT_RULES, security: ACTOR_REQUIRED, params, body: segmentDefinitionSchema, response: { 200: segmentDocumentSchema, 201: segmentDocumentSchema, ...errorResponses } } },
      async (request, reply) => {
        const { document, created, change } = await store.putSegment(request.params.key, request.body, request.actor);
        await announce(reply, publish, change);
        return reply.code(created ? 201 : 200).send(document);
      },
    );

    writes.delete("/v1/segments/:key", { config: { authorisation: access.changeSegment }, schema: { tags, summary: "Delete a segment. 409 while a flag uses it.", security: ACTOR_REQUIRED, params, response: { 204: z.null(), ...errorResponses } } }, async (request, reply) => {
      await announce(reply, publish, await store.deleteSegment(request.params.key, request.actor));
      return reply.code(204).send(null);
    });
  });
}
