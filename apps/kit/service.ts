/**
 * createService: one call wires an Armature app — validated config, the Fastify server with zod
 * routes and OpenAPI, JSON logs, the invocation context, traces, metrics, health endpoints,
 * dependency clients with checks, and graceful shutdown. See README.md for the contract it keeps.
 */
import swagger from "@fastify/swagger";
import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, TraceFlags, context as otelContext, propagation, trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-node";
import fastify, { LogController, type FastifyInstance, type FastifyServerOptions, type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type RawServerDefault, type RawRequestDefaultExpression, type RawReplyDefaultExpression } from "fastify";
import { type ZodTypeProvider, jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { OpenAPIV3_1 } from "openapi-types";
import type { Redis } from "ioredis";
import type { Admin } from "kafkajs";
import type pg from "pg";
import type { DestinationStream, Logger } from "pino";
import { z } from "zod";
import { type AuthorisationSource, authorisationSource } from "./authorisation/authorisation-source";
import { installAuthorisationStep } from "./authorisation/authorisation-step";
import { CallerAuthenticationError, createCallerVerifier, withVerifiedActor } from "./caller-authentication";
import { callerTokenFromFile } from "./caller-token-file";
import { type KitConfig, kitConfigSchema, parseConfig } from "./config";
import { createKafka, createPostgresPool, createRedis } from "./dependencies";
import { kafkaCheck, postgresCheck, redisCheck } from "./health/dependency-checks";
import { type HealthCheck, runChecks } from "./health/health-check";
import { type HealthState, registerHealthRoutes } from "./health/health-routes";
import { type HttpClient, type HttpClientOptions, createHttpClient } from "./http-client";
import { answerUnknownMethods, installErrorHandlers, routerProblem, sendProblem } from "./http-errors";
import { ContextHeaderError, CONTEXT_HEADER, type WireContext, decodeContextHeader, forkContext } from "./invocation-context";
import { type InvocationScope, withScope } from "./invocation-scope";
import { createLogger, invocationLevel, setProcessLogger } from "./logger";
import { refuseNulCharacters } from "./nul-characters";
import { type ServiceMetrics, createMetrics } from "./metrics";
import { OPENAPI_SECURITY, completeOpenApiDocument, serversFor } from "./openapi-document";
import { type Guard, type GuardOptions, createGuard } from "./resilience";
import { createSelfRegistration } from "./self-registration";
import { createTracing, endingSpan } from "./tracing";

declare module "fastify" {
  interface FastifyRequest {
    invocation: InvocationScope | null;
    serverSpan: Span | null;
  }
}

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** Response header carrying this hop's invocation id, for support requests and client logs. */
export const INVOCATION_ID_HEADER = "x-armature-invocation-id";
export const METRICS_PATH = "/metrics";
export const OPENAPI_PATH = "/openapi.json";

export interface ServiceKit<C> {
  readonly app: App;
  readonly config: C;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** A Postgres pool: closed on shutdown, checked by /readyz and /startupz (unless `checked: false`). */
  postgres(url: string, options?: { name?: string; max?: number; checked?: boolean }): pg.Pool;
  /** A Redis client: closed on shutdown, checked by /readyz and /startupz (unless `checked: false`). */
  redis(url: string, options?: { name?: string; checked?: boolean }): Redis;
  /** A Kafka admin for cluster metadata: disconnected on shutdown, checked by /readyz and /startupz (unless `checked: false`). */
  kafka(brokers: readonly string[], options?: { name?: string; checked?: boolean }): Admin;
  /** A circuit breaker with a timeout for calls to `name`. */
  guard(options: GuardOptions): Guard;
  /** An HTTP client that forwards the invocation context, behind a circuit breaker. */
  http(options: HttpClientOptions): HttpClient;
  addCheck(check: HealthCheck): void;
  /**
   * Runs `fn` as a new invocation that did not arrive as an HTTP request (a job run, a consumed
   * message): a span (a child of `options.parent`, e.g. the trigger's span, when given), a context
   * forked from `received`, and log() / span() / outgoing calls bound to it.
   */
  invoke<T>(name: string, received: WireContext, fn: () => Promise<T>, options?: InvokeOptions): Promise<T>;
  /**
   * Runs as soon as shutdown starts (readiness fails), before in-flight requests finish: stop taking
   * background work here and return at once; wait for that work in an onShutdown closer.
   */
  onDrain(drain: () => unknown): void;
  /** Runs on shutdown after the server stopped accepting and in-flight requests finished (last added runs first). */
  onShutdown(close: () => unknown): void;
}

export interface InvokeOptions {
  /** The span this invocation continues (another process's, so it is marked remote). */
  readonly parent?: { readonly traceId: string; readonly spanId: string };
  readonly attributes?: Record<string, string | number | boolean>;
}

export interface ServiceOptions<S extends z.ZodObject> {
  readonly name: string;
  readonly description?: string;
  /** The app's own environment keys; merged with the kit's (kitConfigSchema). */
  readonly config?: S;
  /** Defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Registers routes, creates clients; runs before the server listens. */
  setup(kit: ServiceKit<KitConfig & z.infer<S>>): Promise<void> | void;
  /**
   * Benchmarks only (apps/discovery/bench): no authorisation step, to measure what the step costs.
   * Code can set it, the environment cannot; the service warns at start.
   */
  readonly benchmarkWithoutAuthorisation?: true;
  /** Tests: where log lines go, and an exporter that receives every span. */
  readonly logDestination?: DestinationStream;
  readonly spanExporter?: SpanExporter;
}

export interface Service<C = KitConfig> {
  readonly name: string;
  readonly app: App;
  readonly config: C;
  readonly logger: Logger;
  /** The authorisation rules in force (AUTHORISATION_RULES or AUTHORISATION_RULES_FILE; `reload()` re-reads the file now). */
  readonly authorisation: AuthorisationSource;
  /** Listens on HOST:PORT (PORT 0 picks a free port) and returns the base URL. */
  listen(): Promise<string>;
  /** Readiness fails at once, in-flight requests finish, pools close. Idempotent. */
  shutdown(reason?: string): Promise<void>;
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;
/**
 * zod validates requests and serializes responses. Given as the compiler factories, Fastify never
 * loads its default ajv and fast-json-stringify compilers (a cold start saving); their types assume
 * ajv, hence the cast.
 */
const zodCompilers = { buildValidator: () => validatorCompiler, buildSerializer: () => serializerCompiler } as unknown as CompilersFactory;

export async function createService<S extends z.ZodObject>(options: ServiceOptions<S>): Promise<Service<KitConfig & z.infer<S>>> {
  const schema = options.config ? kitConfigSchema.extend(options.config.shape) : kitConfigSchema;
  const config = parseConfig(schema, options.env ?? process.env) as KitConfig & z.infer<S>;
  const logger = createLogger({ service: options.name, version: config.SERVICE_VERSION, level: config.LOG_LEVEL, format: config.LOG_FORMAT, destination: options.logDestination });
  setProcessLogger(logger);
  const tracing = createTracing({ service: options.name, version: config.SERVICE_VERSION, otlpEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, exporter: options.spanExporter });
  const metrics = createMetrics(options.name);
  const health: HealthState = { checks: [], draining: false, started: false };
  const closers: Array<() => unknown> = [];
  const drainers: Array<() => unknown> = [];

  const verifyCaller = config.CALLER_TOKEN_ISSUERS
    ? createCallerVerifier({ issuers: config.CALLER_TOKEN_ISSUERS.split(","), audience: config.CALLER_TOKEN_AUDIENCE })
    : undefined;
  const callerToken = config.CALLER_TOKEN_FILE ? callerTokenFromFile(config.CALLER_TOKEN_FILE, logger) : undefined;
  if (!verifyCaller) logger.info("caller authentication is off (CALLER_TOKEN_ISSUERS unset): actors are taken from the context header as sent");
  // The decision runs with or without caller authentication: local runs see the same denials.
  const authorisation = authorisationSource(config, logger);
  closers.push(() => authorisation.close());
  const baseLogger: FastifyBaseLogger = logger;
  const app = fastify({
    loggerInstance: baseLogger,
    // The kit logs each request itself, in the log-line schema (see onResponse below).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Request-scoped loggers are made in onRequest, once the invocation context is known.
    childLoggerFactory: (parent) => parent,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    return503OnClosing: true,
    // The router's own refusals (a malformed or over-long path), answered as problem documents too.
    frameworkErrors: (error, _request, reply) => void sendProblem(reply, routerProblem(error)),
    schemaController: { compilersFactory: zodCompilers },
  }).withTypeProvider<ZodTypeProvider>();
  // A route that declares no query parameters accepts none: unknown parameters are a 400, not ignored.
  app.addHook("onRoute", (route) => {
    route.schema ??= {};
    route.schema.querystring ??= z.strictObject({});
  });
  app.decorateRequest("invocation", null);
  app.decorateRequest("serverSpan", null);
  installErrorHandlers(app);
  await app.register(swagger, {
    openapi: { openapi: "3.1.0", info: { title: options.name, version: config.SERVICE_VERSION, description: options.description }, servers: serversFor(options.name), ...OPENAPI_SECURITY },
    transform: jsonSchemaTransform,
    // Registered zod schemas (.meta({ id })) become components; then the kit's finishing touches.
    transformObject: (document) => completeOpenApiDocument(jsonSchemaTransformObject(document) as OpenAPIV3_1.Document),
  });

  // The per-request hooks take callbacks rather than being async: no promise per hook and request.
  app.addHook("onRequest", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unmatched";
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracing.tracer.startSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER, attributes: { "http.request.method": request.method, "http.route": route } }, parent);
    request.serverSpan = span;
    let received: ReturnType<typeof decodeContextHeader> = {};
    let badHeader: ContextHeaderError | undefined;
    try {
      received = decodeContextHeader(request.headers[CONTEXT_HEADER]);
    } catch (error) {
      if (!(error instanceof ContextHeaderError)) throw error;
      badHeader = error; // still a scope (without the bad header) so the error reply and its log have one
    }
    if (badHeader) {
      beginInvocation(request, reply, received, span);
      return void sendProblem(reply, { status: 400, code: "invalid_context_header", detail: badHeader.message });
    }
    if (!verifyCaller) {
      beginInvocation(request, reply, received, span);
      return done();
    }
    // Caller authentication: only a verified token names the actor (an asserted one becomes who it acts for).
    const { actor: _asserted, ...unproven } = received;
    const authorization = request.headers.authorization;
    if (authorization === undefined) {
      beginInvocation(request, reply, unproven, span);
      return done();
    }
    verifyCaller(authorization).then(
      (caller) => {
        beginInvocation(request, reply, withVerifiedActor(received, caller), span);
        done();
      },
      (error: unknown) => {
        if (!(error instanceof CallerAuthenticationError)) logger.error({ err: error }, "caller verification failed unexpectedly");
        const detail = error instanceof CallerAuthenticationError ? error.message : "the token could not be verified; try again";
        beginInvocation(request, reply, unproven, span);
        sendProblem(reply, { status: 401, code: "invalid_caller_token", detail });
      },
    );
  });
  answerUnknownMethods(app);
  refuseNulCharacters(app);

  /** The request's invocation scope and request logger, and its id in the response headers. */
  function beginInvocation(request: FastifyRequest, reply: FastifyReply, received: WireContext, span: Span): void {
    request.invocation = scopeFor(received, span);
    request.log = request.invocation.logger;
    reply.header(INVOCATION_ID_HEADER, request.invocation.context.invocationId);
  }

  function scopeFor(received: WireContext, span: Span): InvocationScope {
    const { traceId, spanId } = span.spanContext();
    const context = forkContext(received, { traceId, spanId });
    const level = invocationLevel(context.toggles, logger);
    return { context, logger: logger.child({ context }, level ? { level } : undefined), tracer: tracing.tracer, callerAuthentication: verifyCaller !== undefined };
  }

  // Authorisation: once per request, after authentication and validation, before the handler.
  if (options.benchmarkWithoutAuthorisation) logger.warn("authorisation is OFF (benchmarkWithoutAuthorisation): every caller may do anything");
  else installAuthorisationStep(app, authorisation, logger);

  // Handlers (and everything they await) run inside the invocation's scope and its server span.
  app.addHook("preHandler", (request, _reply, done) => {
    const scope = request.invocation;
    const span = request.serverSpan;
    if (!scope || !span) return done();
    otelContext.with(withScope(scope, trace.setSpan(otelContext.active(), span)), done);
  });

  // While draining, every response closes its connection, so keep-alive clients reconnect elsewhere
  // and the server can finish closing as soon as in-flight requests are done.
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (health.draining) reply.header("connection", "close");
    done(null, payload);
  });

  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unmatched";
    const status = reply.statusCode;
    metrics.requestDuration.observe({ method: request.method, route, status_code: status }, reply.elapsedTime / 1000);
    const span = request.serverSpan;
    if (span) {
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    request.log.debug({ http: { method: request.method, route, status, durationMs: Math.round(reply.elapsedTime * 100) / 100 } }, "request completed");
    done();
  });

  app.get(METRICS_PATH, { schema: { hide: true } }, async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get(OPENAPI_PATH, { schema: { hide: true } }, () => app.swagger());
  registerHealthRoutes(app, health, { serviceId: options.name, version: config.SERVICE_VERSION });

  const timeoutMs = config.HEALTH_CHECK_TIMEOUT_MS;
  const observe = { logger, registry: metrics.registry };
  const kit: ServiceKit<KitConfig & z.infer<S>> = {
    app,
    config,
    logger,
    metrics,
    postgres(url, opts = {}) {
      const pool = createPostgresPool(url, { timeoutMs, max: opts.max, logger, tlsServerName: config.DATABASE_TLS_SERVER_NAME });
      if (opts.checked !== false) health.checks.push(postgresCheck(pool, timeoutMs, opts.name));
      closers.push(() => pool.end());
      return pool;
    },
    redis(url, opts = {}) {
      const redis = createRedis(url, { timeoutMs, logger, connectionName: `${options.name}${opts.name ? `-${opts.name}` : ""}`, tlsCaFile: config.REDIS_TLS_CA_FILE });
      if (opts.checked !== false) health.checks.push(redisCheck(redis, timeoutMs, opts.name));
      closers.push(() => redis.quit().catch(() => redis.disconnect()));
      return redis;
    },
    kafka(brokers, opts = {}) {
      const admin = createKafka(brokers, { clientId: options.name, timeoutMs, logger, auth: config.KAFKA_AUTH }).admin();
      if (opts.checked !== false) health.checks.push(kafkaCheck(admin, timeoutMs, opts.name));
      closers.push(() => admin.disconnect());
      return admin;
    },
    guard: (guardOptions) => createGuard(guardOptions, observe),
    http: (httpOptions) =>
      createHttpClient({ ...(callerToken ? { callerToken } : {}), ...(config.CALLER_TOKEN_HOSTS ? { callerTokenHosts: config.CALLER_TOKEN_HOSTS.split(",") } : {}), ...httpOptions }, observe),
    addCheck: (check) => void health.checks.push(check),
    async invoke(name, received, fn, invokeOptions = {}) {
      const parent = invokeOptions.parent
        ? trace.setSpanContext(ROOT_CONTEXT, { ...invokeOptions.parent, traceFlags: TraceFlags.SAMPLED, isRemote: true })
        : ROOT_CONTEXT;
      const span = tracing.tracer.startSpan(name, { kind: SpanKind.CONSUMER, attributes: invokeOptions.attributes }, parent);
      return endingSpan(span, () => otelContext.with(withScope(scopeFor(received, span), trace.setSpan(parent, span)), fn));
    },
    onDrain: (drain) => void drainers.push(drain),
    onShutdown: (close) => void closers.push(close),
  };
  await options.setup(kit);

  // Registers in discovery once ready, deregisters when draining (self-registration.ts).
  const selfRegistration = config.SELF_REGISTRATION_DISCOVERY_URL
    ? createSelfRegistration({
        name: options.name,
        version: config.SERVICE_VERSION,
        discoveryUrl: config.SELF_REGISTRATION_DISCOVERY_URL,
        endpoint: config.SELF_REGISTRATION_ENDPOINT,
        onDrain: config.SELF_REGISTRATION_ON_DRAIN,
        http: kit.http({ name: "self-registration", timeoutMs: Math.max(timeoutMs, 1000) }),
        invoke: (name, received, fn) => kit.invoke(name, received, fn),
        ready: async () => (await runChecks(health.checks, { serviceId: options.name, version: config.SERVICE_VERSION })).status !== "fail",
        logger,
      })
    : undefined;
  if (selfRegistration) drainers.unshift(() => selfRegistration.stop());

  app.addHook("onClose", async () => {
    for (const close of [...closers].reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error }, "closing a dependency failed");
      }
    }
    await tracing.shutdown();
  });

  let shuttingDown: Promise<void> | undefined;
  return {
    name: options.name,
    app,
    config,
    logger,
    authorisation,
    async listen() {
      const started = performance.now();
      const address = await app.listen({ port: config.PORT, host: config.HOST });
      logger.info({ address, listenMs: Math.round(performance.now() - started) }, `${options.name} listening`);
      const reachable = address.replace("0.0.0.0", "127.0.0.1").replace("[::]", "127.0.0.1");
      selfRegistration?.start(reachable);
      return reachable;
    },
    shutdown(reason = "shutdown requested") {
      shuttingDown ??= (async () => {
        health.draining = true;
        logger.info({ reason, delayMs: config.SHUTDOWN_DELAY_MS }, "shutting down: readiness now fails");
        for (const drain of drainers) {
          try {
            await drain();
          } catch (error) {
            logger.warn({ err: error }, "a drain hook failed");
          }
        }
        if (config.SHUTDOWN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DELAY_MS));
        await app.close();
        logger.info("shut down: in-flight requests finished, dependencies closed");
        logger.flush();
      })();
      return shuttingDown;
    },
  };
}
