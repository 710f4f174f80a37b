/**
 * Every request is an invocation. onRequest reads the caller's trace (traceparent) and context
 * (x-armature-context), verifies the caller token when caller authentication is on, starts the
 * server span and opens the invocation scope (request.invocation, request.log, the invocation id
 * header); preHandler runs the handler, and everything it awaits, inside that scope and span;
 * onResponse ends the span. Wrapped with fastify-plugin: its hooks must apply to every route.
 * https://fastify.dev/docs/latest/Reference/Plugins/#handle-the-scope
 */
import { type Span, type Tracer, context as otelContext, trace } from "@opentelemetry/api";
import type { FastifyReply, FastifyRequest } from "fastify";
import fastifyPlugin from "fastify-plugin";
import type { Logger } from "pino";
import { CallerAuthenticationError, type CallerVerifier, withVerifiedActor, withoutAssertedActor } from "../caller-authentication";
import { sendProblem } from "../http-errors";
import type { AuthorisationDecision } from "../authorisation/authoriser";
import { ContextHeaderError, CONTEXT_HEADER, type InvocationContext, type WireContext, decodeContextHeader, forkContext } from "../invocation-context";
import { type InvocationScope, withScope } from "../invocation-scope";
import { DeferredChild, DeferredRequestLogger, invocationLevel } from "../logger";
import { endServerSpan, startServerSpan } from "../tracing";

declare module "fastify" {
  interface FastifyRequest {
    invocation: InvocationScope | null;
    serverSpan: Span | null;
  }
}

/** Response header carrying this hop's invocation id, for support requests and client logs. */
export const INVOCATION_ID_HEADER = "x-armature-invocation-id";

export interface InvocationOptions {
  readonly logger: Logger;
  readonly tracer: Tracer;
  /** Set when caller authentication is on (CALLER_TOKEN_ISSUERS): only a verified token names the actor. */
  readonly verifyCaller?: CallerVerifier;
}

/** An invocation's scope; its logger (the service's, with the context bound) is made on first use. */
class Invocation implements InvocationScope {
  authorisation?: AuthorisationDecision;

  constructor(
    readonly context: InvocationContext,
    readonly deferredLogger: DeferredChild,
    readonly tracer: Tracer,
    readonly callerAuthentication: boolean,
  ) {}

  get logger(): Logger {
    return this.deferredLogger.logger;
  }
}

/** Makes the scope of one invocation: its context forked from `received`, under `span`. */
export type ScopeFactory = (received: WireContext, span: Span) => InvocationScope;

export function invocationScopes(options: InvocationOptions): ScopeFactory {
  return (received, span) => invocationOf(received, span, options);
}

function invocationOf(received: WireContext, span: Span, { logger, tracer, verifyCaller }: InvocationOptions): Invocation {
  const context = forkContext(received, span.spanContext());
  const deferredLogger = new DeferredChild(logger, { context }, invocationLevel(context.toggles, logger));
  return new Invocation(context, deferredLogger, tracer, verifyCaller !== undefined);
}

export const invocationPlugin = fastifyPlugin<InvocationOptions>(
  (app, options, done) => {
    const { logger, tracer, verifyCaller } = options;
    app.decorateRequest("invocation", null);
    app.decorateRequest("serverSpan", null);

    /** The request's invocation scope and request logger, and its id in the response headers. */
    const begin = (request: FastifyRequest, reply: FastifyReply, received: WireContext, span: Span): void => {
      const scope = invocationOf(received, span, options);
      request.invocation = scope;
      request.log = new DeferredRequestLogger(scope.deferredLogger);
      reply.header(INVOCATION_ID_HEADER, scope.context.invocationId);
    };

    // The per-request hooks take callbacks rather than being async: no promise per hook and request.
    app.addHook("onRequest", (request, reply, done) => {
      const span = startServerSpan(tracer, request.method, request.routeOptions.url ?? "unmatched", request.headers);
      request.serverSpan = span;
      let received: WireContext;
      try {
        received = decodeContextHeader(request.headers[CONTEXT_HEADER]);
      } catch (error) {
        if (!(error instanceof ContextHeaderError)) throw error;
        begin(request, reply, {}, span); // a scope without the bad header, so the error reply and its log have one
        return void sendProblem(reply, { status: 400, code: "invalid_context_header", detail: error.message });
      }
      if (!verifyCaller) {
        begin(request, reply, received, span);
        return done();
      }
      // Caller authentication: only a verified token names the actor (an asserted one becomes who it acts for).
      const unproven = withoutAssertedActor(received);
      const authorization = request.headers.authorization;
      if (authorization === undefined) {
        begin(request, reply, unproven, span);
        return done();
      }
      verifyCaller(authorization).then(
        (caller) => {
          begin(request, reply, withVerifiedActor(received, caller), span);
          done();
        },
        (error: unknown) => {
          if (!(error instanceof CallerAuthenticationError)) logger.error({ err: error }, "caller verification failed unexpectedly");
          const detail = error instanceof CallerAuthenticationError ? error.message : "the token could not be verified; try again";
          begin(request, reply, unproven, span);
          sendProblem(reply, { status: 401, code: "invalid_caller_token", detail });
        },
      );
    });

    app.addHook("preHandler", (request, _reply, done) => {
      const scope = request.invocation;
      const span = request.serverSpan;
      if (!scope || !span) return done();
      otelContext.with(withScope(scope, trace.setSpan(otelContext.active(), span)), done);
    });

    app.addHook("onResponse", (request, reply, done) => {
      if (request.serverSpan) endServerSpan(request.serverSpan, reply.statusCode);
      // The level is checked first so that the line (and the request's logger) is made only when it is written.
      const scope = request.invocation;
      if (scope instanceof Invocation ? scope.deferredLogger.isLevelEnabled("debug") : logger.isLevelEnabled("debug")) {
        const http = { method: request.method, route: request.routeOptions.url ?? "unmatched", status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 100) / 100 };
        request.log.debug({ http }, "request completed");
      }
      done();
    });
    done();
  },
  { name: "armature-invocation", fastify: "5.x" },
);
