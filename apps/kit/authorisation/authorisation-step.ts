/**
 * The authorisation step: once per request, after authentication (onRequest) and validation, before
 * the handler. The route names what it asks for in `config.authorisation`; the decision is kept in
 * the invocation's scope (currentAuthorisation()), so the handler, and everything it awaits, runs
 * under the grants the request started with. A denial is audited and answered 403 (401 when the
 * caller proved nothing and the action changes something). Wrapped with fastify-plugin: the step
 * must run for every route of the service.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import fastifyPlugin from "fastify-plugin";
import type { Logger } from "pino";
import { actorRequiredDetail } from "../audit-actor";
import { sendProblem } from "../http-errors";
import { currentScope } from "../invocation-scope";
import type { AccessRequest } from "./access-request";
import type { AuthorisationDecision, CompiledRules } from "./authoriser";
import type { AuthorisationSource } from "./authorisation-source";

/** What a route asks permission for, from its validated request (it may look the owner up). */
export type RouteAuthorisation = (request: FastifyRequest) => AccessRequest | readonly AccessRequest[] | Promise<AccessRequest | readonly AccessRequest[]>;

declare module "fastify" {
  interface FastifyContextConfig {
    /** What the route asks for; without it, GET/HEAD read the endpoint and other methods `call` it (platform admins and apps only). */
    authorisation?: RouteAuthorisation;
  }
}

/** The current invocation's authorisation decision (undefined outside a request, e.g. a job run). */
export function currentAuthorisation(): AuthorisationDecision | undefined {
  return currentScope()?.authorisation;
}

const HOW_TO_GET_ACCESS =
  "a tenant's workloads change what is named after their tenant (registrations <tenant>-..., flags, segments and jobs <tenant>....), with overrides pointing into the tenant's namespace or a range the stack allows; anything else needs a grant or platform admin membership in the stack's armature:authorisation config (ask the platform team)";

export interface AuthorisationStepOptions {
  readonly source: AuthorisationSource;
  readonly logger: Logger;
}

/** Registered after the invocation plugin: the scope the handler runs in is the one the decision is put in. */
export const authorisationStep = fastifyPlugin<AuthorisationStepOptions>(
  (app, { source, logger }, pluginDone) => {
    app.addHook("preHandler", (request, reply, done) => {
      if (!request.invocation || request.is404) return done();
      const route = request.routeOptions;
      const declared = route.config.authorisation;
      const rules = source.current(); // taken once: a later change of rules does not touch this request
      if (!declared) return decideAndContinue(request, reply, done, rules, endpointAccess(request.method, route.url ?? request.url), logger);
      let asked: ReturnType<RouteAuthorisation>;
      try {
        asked = declared(request);
      } catch (error) {
        return done(error as Error);
      }
      // No closure on the synchronous path: most routes know what they ask for without awaiting.
      if (!(asked instanceof Promise)) return decideAndContinue(request, reply, done, rules, asked, logger);
      asked.then(
        (resolved) => decideAndContinue(request, reply, done, rules, resolved, logger),
        (error: unknown) => done(error as Error),
      );
    });
    pluginDone();
  },
  { name: "armature-authorisation-step", fastify: "5.x", dependencies: ["armature-invocation"] },
);

/** Decides, keeps the decision in the invocation's scope, and continues to the handler or denies. */
function decideAndContinue(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void, rules: CompiledRules, asked: AccessRequest | readonly AccessRequest[], logger: Logger): void {
  const scope = request.invocation!;
  const decision = rules.decide(scope.context, Array.isArray(asked) ? (asked as readonly AccessRequest[]) : [asked as AccessRequest]);
  scope.authorisation = decision;
  if (decision.allowed) return done();
  deny(request, reply, decision, scope.callerAuthentication === true, logger);
}

function endpointAccess(method: string, url: string): AccessRequest {
  return { action: method === "GET" || method === "HEAD" ? "read" : "call", resource: { kind: "endpoint", route: `${method} ${url}` } };
}

function deny(request: FastifyRequest, reply: FastifyReply, decision: AuthorisationDecision, callerAuthentication: boolean, logger: Logger): void {
  const denied = decision.denied!;
  // The audit record of the denial: who, what, on which resource, why (and the invocation, in `context`).
  (request.invocation?.logger ?? logger).warn(
    { audit: { event: "authorisation.denied", subject: decision.subject, action: denied.action, resource: denied.resource, reason: denied.reason, route: `${request.method} ${request.routeOptions.url}` } },
    "authorisation denied",
  );
  if (decision.anonymous && denied.action !== "read") {
    sendProblem(reply, { status: 401, code: "actor_required", detail: actorRequiredDetail(callerAuthentication) });
    return;
  }
  sendProblem(reply, {
    status: 403,
    code: "forbidden",
    detail: `${decision.subject} may not ${denied.action} ${denied.resource}: ${denied.reason}. How to get access: ${HOW_TO_GET_ACCESS}`,
  });
}
