/**
 * A small service built on the kit, for the kit's own tests (run in-process, or as a child process
 * by `tsx apps/kit/testing/fixture-service.ts`): echo routes, a slow route, a downstream call.
 */
import { z } from "zod";
import { actorRoutes, currentContext, log, runService, span, type ServiceKit, type KitConfig, rethrow } from "../index";

export const fixtureConfig = z.object({
  DOWNSTREAM_URL: z.url().optional(),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  KAFKA_BROKERS: z.string().optional(),
});

export function setupFixture(kit: ServiceKit<KitConfig & z.infer<typeof fixtureConfig>>): void {
  const { app, config } = kit;
  if (config.DATABASE_URL) kit.postgres(config.DATABASE_URL);
  if (config.REDIS_URL) kit.redis(config.REDIS_URL);
  if (config.KAFKA_BROKERS) kit.kafka(config.KAFKA_BROKERS.split(","));
  const downstream = kit.http({ name: "downstream", timeoutMs: 2000 });

  app.post(
    "/things/:id",
    {
      // Stores nothing: asks only to read, so any caller may use it (the kit's own contract tests).
      config: { authorisation: () => ({ action: "read", resource: { kind: "endpoint", route: "POST /things/:id" } }) },
      schema: {
        summary: "Stores nothing; echoes a validated thing.",
        params: z.strictObject({ id: z.string().regex(/^[a-z0-9-]{1,40}$/) }),
        querystring: z.strictObject({ verbose: z.enum(["true", "false"]).optional() }),
        body: z.strictObject({ name: z.string().min(1).max(100), size: z.number().int().min(0).max(1000) }),
        response: { 200: z.object({ id: z.string(), name: z.string(), size: z.number() }) },
      },
    },
    async (request) => {
      await span("fixture.store", () => log().info({ thing: request.params.id, size: request.body.size }, "stored a thing"));
      return { id: request.params.id, ...request.body };
    },
  );

  actorRoutes(app, (audited) => {
    audited.put(
      "/audited/:id",
      { schema: { summary: "An audited change: answers who made it.", params: z.strictObject({ id: z.string().regex(/^[a-z0-9-]{1,40}$/) }), response: { 200: z.object({ id: z.string(), actor: z.string() }) } } },
      (request) => ({ id: request.params.id, actor: request.actor.actor }),
    );
  });

  app.get("/context", { schema: { response: { 200: z.object({ context: z.record(z.string(), z.unknown()) }) } } }, () => ({ context: { ...currentContext() } }));

  app.get("/slow", { schema: { querystring: z.strictObject({ ms: z.coerce.number().int().min(0).max(10_000) }) } }, async (request) => {
    log().info("slow request started");
    await new Promise((resolve) => setTimeout(resolve, request.query.ms));
    return { waited: request.query.ms };
  });

  app.get("/boom", { schema: { hide: true } }, () => {
    throw new Error("a secret internal detail");
  });

  app.get("/downstream", { schema: { hide: true } }, async () => {
    if (!config.DOWNSTREAM_URL) throw new Error("DOWNSTREAM_URL is not set");
    log().info("calling downstream");
    const answer = await downstream.request<{ context: Record<string, unknown> }>(new URL("/context", config.DOWNSTREAM_URL), {}, rethrow);
    return { self: { ...currentContext() }, downstream: answer.body.context };
  });
}

if (require.main === module) {
  void runService({ name: "fixture", config: fixtureConfig, setup: setupFixture });
}
