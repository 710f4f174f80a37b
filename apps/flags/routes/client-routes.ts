/**
 * What SDKs and clients in other languages call: the whole flag set (with an ETag, so polling is
 * cheap), evaluation on the server for clients without an in-process SDK, and exposure batches.
 */
import { z } from "zod";
import { type App, problemSchema, sendProblem } from "../../kit/index";
import type { ExposurePublisher } from "../exposure-publisher";
import type { FlagStore } from "../flag-store";
import * as access from "./access";
import { contextNameSchema, environmentNameSchema, flagKeySchema, flagSetSchema } from "../model/definition";
import { exposureBatchSchema } from "../model/exposure";
import type { FlagEvaluations } from "../sdk/flag-evaluations";

export interface ClientRoutesDeps {
  readonly store: FlagStore;
  /** Evaluation over the service's own copy of the flag set, for one environment. */
  evaluations(environment: string): FlagEvaluations;
  /** Undefined until the service's copy is loaded. */
  version(): number | undefined;
  flagKeys(): string[];
  stale(): boolean;
  /** Undefined when exposures are not recorded (no KAFKA_BROKERS). */
  readonly publishExposures?: ExposurePublisher;
}

const subject = z.string().min(1).max(256);
const contextSchema = z.strictObject({
  userId: subject.optional(),
  organisationId: subject.optional(),
  sessionId: subject.optional(),
  remoteAddress: z.string().min(1).max(64).optional(),
  appName: z.string().min(1).max(128).optional(),
  currentTime: z.iso.datetime({ offset: true }).optional(),
  properties: z
    .record(contextNameSchema, z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]))
    .refine((properties) => Object.keys(properties).length <= 100, "at most 100 properties")
    .meta({ maxProperties: 100 })
    .optional(),
});

const evaluationSchema = z.object({
  enabled: z.boolean(),
  reason: z.enum(["TARGETING_MATCH", "SPLIT", "DEFAULT", "DISABLED", "STATIC", "ERROR"]),
  variant: z.object({ name: z.string(), payload: z.object({ type: z.enum(["string", "json", "csv", "number"]), value: z.string() }).optional() }).optional(),
  variantReason: z.enum(["SPLIT", "TARGETING_MATCH"]).optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  forced: z.boolean().describe("A flag:<key> toggle in the request's invocation context decided the answer."),
});

export function registerClientRoutes(app: App, deps: ClientRoutesDeps): void {
  app.get(
    "/v1/flag-set",
    {
      schema: {
        tags: ["sdk"],
        summary: 'Every flag and segment at one version, for SDKs. Send If-None-Match: "<version>" to get a 304 when nothing changed.',
        response: { 200: flagSetSchema, 304: z.null().describe("Not modified: you hold the current version.") },
      },
    },
    async (request, reply) => {
      const current = `"${await deps.store.version()}"`;
      if (request.headers["if-none-match"] === current) return reply.code(304).header("etag", current).send(null);
      const set = await deps.store.snapshot();
      return reply.header("etag", `"${set.version}"`).send(set);
    },
  );

  app.post(
    "/v1/evaluate",
    {
      config: { authorisation: access.sdkEndpoint },
      schema: {
        tags: ["sdk"],
        summary: "Evaluate flags on the server, for clients without an in-process SDK. Same answers, reasons and toggles as the SDK.",
        body: z.strictObject({
          environment: environmentNameSchema,
          context: contextSchema.default({}),
          flags: z.array(flagKeySchema).max(500).optional().describe("Which flags (default: all)."),
        }),
        response: { 200: z.object({ environment: z.string(), version: z.number().int(), stale: z.boolean(), results: z.record(z.string(), evaluationSchema) }), 400: problemSchema, 503: problemSchema },
      },
    },
    async (request, reply) => {
      const version = deps.version();
      if (version === undefined) {
        return sendProblem(reply, { status: 503, code: "flag_set_unavailable", detail: "the flag set has not been loaded from Postgres yet; retry shortly" });
      }
      const { environment, context, flags } = request.body;
      const evaluations = deps.evaluations(environment);
      const stale = deps.stale();
      const results = (flags ?? deps.flagKeys()).map((key) => {
        const { flagKey, enabled, reason, variant, variantReason, errorCode, errorMessage, forced } = evaluations.details(key, context, stale);
        return [flagKey, { enabled, reason, variant, variantReason, errorCode, errorMessage, forced }] as const;
      });
      return { environment, version, stale, results: Object.fromEntries(results) };
    },
  );

  app.post(
    "/v1/exposures",
    {
      config: { authorisation: access.sdkEndpoint },
      schema: {
        tags: ["sdk"],
        summary: "Record exposure events (SDKs send them in batches); written to Kafka flags.exposure.v1. 503: keep the batch and retry.",
        body: exposureBatchSchema,
        response: { 202: z.object({ recorded: z.number().int(), note: z.string().optional() }), 400: problemSchema, 503: problemSchema },
      },
    },
    async (request, reply) => {
      const { exposures } = request.body;
      if (!deps.publishExposures) return reply.code(202).send({ recorded: 0, note: "exposures are not recorded: the flags service has no KAFKA_BROKERS" });
      try {
        await deps.publishExposures(exposures);
      } catch (error) {
        request.log.warn({ err: error, exposures: exposures.length }, "exposures could not be written to Kafka");
        return sendProblem(reply, { status: 503, code: "exposures_unavailable", detail: "Kafka is unreachable: keep the batch and send it again later" });
      }
      return reply.code(202).send({ recorded: exposures.length });
    },
  );
}
