/**
 * createService: one call wires an Armature app — validated config, the Fastify server with zod
 * routes and OpenAPI, JSON logs, the invocation context, traces, metrics, health endpoints,
 * dependency clients with checks, and graceful shutdown. See README.md for the contract it keeps.
 */
import { ROOT_CONTEXT, SpanKind, TraceFlags, context as otelContext, trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-node";
import fastify, { LogController, type FastifyInstance, type FastifyServerOptions, type FastifyBaseLogger, type RawServerDefault, type RawRequestDefaultExpression, type RawReplyDefaultExpression } from "fastify";
import { type ZodTypeProvider, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Redis } from "ioredis";
import type { Admin } from "kafkajs";
import type pg from "pg";
import type { DestinationStream, Logger } from "pino";
import { z } from "zod";
import { type AuthorisationSource, authorisationSource } from "./authorisation/authorisation-source";
import { authorisationStep } from "./authorisation/authorisation-step";
import { createCallerVerifier } from "./caller-authentication";
import { callerTokenFromFile } from "./caller-token-file";
import { type KitConfig, kitConfigSchema, parseConfig } from "./config";
import { createKafka, createPostgresPool, createRedis } from "./dependencies";
import { type FastRead, FastReads, serveFastReadsFirst } from "./fast-read";
import { kafkaCheck, postgresCheck, redisCheck } from "./health/dependency-checks";
import { type HealthCheck, runChecks } from "./health/health-check";
import type { HealthState } from "./health/health-routes";
import { type HttpClient, type HttpClientOptions, createHttpClient } from "./http-client";
import { answerUnknownMethods, installErrorHandlers, routerProblem, sendProblem } from "./http-errors";
import type { WireContext } from "./invocation-context";
import { withScope } from "./invocation-scope";
import { createLogger, setProcessLogger } from "./logger";
import { refuseNulCharacters } from "./nul-characters";
import { type ServiceMetrics, createMetrics } from "./metrics";
import { healthPlugin } from "./plugins/health-plugin";
import { invocationPlugin, invocationScopes } from "./plugins/invocation-plugin";
import { metricsPlugin } from "./plugins/metrics-plugin";
import { openApiPlugin } from "./plugins/openapi-plugin";
import { type Guard, type GuardOptions, createGuard } from "./resilience";
import { createSelfRegistration } from "./self-registration";
import { createTracing, endingSpan } from "./tracing";

export { INVOCATION_ID_HEADER } from "./plugins/invocation-plugin";
export { METRICS_PATH } from "./plugins/metrics-plugin";
export { OPENAPI_PATH } from "./plugins/openapi-plugin";

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

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
   * Serves a registered GET route's plain happy path (cached bytes, allowed, nothing unusual about
   * the request) from the request listener, before Fastify; the route answers everything else (fast-read.ts).
   */
  fastRead(read: FastRead): void;
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
    // The kit logs each request itself, in the log-line schema (plugins/invocation-plugin.ts).
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
  installErrorHandlers(app);
  // Each concept is a plugin (apps/kit/plugins); the order is the order of their hooks on a request.
  await app.register(openApiPlugin, { service: options.name, version: config.SERVICE_VERSION, description: options.description });
  await app.register(invocationPlugin, { logger, tracer: tracing.tracer, verifyCaller });
  answerUnknownMethods(app);
  refuseNulCharacters(app);
  // Authorisation: once per request, after authentication and validation, before the handler.
  if (options.benchmarkWithoutAuthorisation) logger.warn("authorisation is OFF (benchmarkWithoutAuthorisation): every caller may do anything");
  else await app.register(authorisationStep, { source: authorisation, logger });
  await app.register(metricsPlugin, { metrics });
  await app.register(healthPlugin, { state: health, meta: { serviceId: options.name, version: config.SERVICE_VERSION } });

  // Closing: Fastify's path answers 503 from now on (return503OnClosing), so fast reads step aside.
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  const fastReads = new FastReads({
    logger,
    ...(tracing.recording ? { tracer: tracing.tracer } : {}),
    verifyCaller,
    ...(options.benchmarkWithoutAuthorisation ? {} : { authorisation }),
    requestDuration: metrics.requestDuration,
    shedding: () => health.draining || closing,
  });
  app.addHook("onReady", (done) => {
    const unrouted = fastReads.routes.filter((url) => !app.hasRoute({ method: "GET", url }));
    done(unrouted.length > 0 ? new Error(`fast reads need their GET routes registered too: ${unrouted.join(", ")}`) : undefined);
  });

  const scopeFor = invocationScopes({ logger, tracer: tracing.tracer, verifyCaller });
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
    fastRead(read) {
      fastReads.add(read);
      if (fastReads.routes.length === 1) serveFastReadsFirst(app.server, fastReads);
    },
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
