/**
 * The authorisation step: once per request, after authentication (onRequest) and validation, before
 * the handler. The route names what it asks for in `config.authorisation`; the decision is kept in
 * the invocation's scope (currentAuthorisation()), so the handler, and everything it awaits, runs
 * under the grants the request started with. A denial is audited and answered 403 (401 when the
 * caller proved nothing and the action changes something).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { actorRequiredDetail } from "../audit-actor";
import { sendProblem } from "../http-errors";
import { currentScope } from "../invocation-scope";
import type { AccessRequest } from "./access-request";
import type { AuthorisationDecision } from "./authoriser";
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

export function installAuthorisationStep(app: FastifyInstance, source: AuthorisationSource, logger: Logger): void {
  app.addHook("preHandler", (request, reply, done) => {
    const scope = request.invocation;
    if (!scope || request.is404) return done();
    const declared = request.routeOptions.config.authorisation;
    const rules = source.current(); // taken once: a later change of rules does not touch this request
    const decideWith = (asked: AccessRequest | readonly AccessRequest[]) => {
      const decision = rules.decide(scope.context, Array.isArray(asked) ? (asked as readonly AccessRequest[]) : [asked as AccessRequest]);
      request.invocation = { ...scope, authorisation: decision };
      if (decision.allowed) return done();
      deny(request, reply, decision, scope.callerAuthentication === true, logger);
    };
    if (!declared) return decideWith(endpointAccess(request));
    let asked: ReturnType<RouteAuthorisation>;
    try {
      asked = declared(request);
    } catch (error) {
      return done(error as Error);
    }
    if (asked instanceof Promise) asked.then(decideWith, (error: unknown) => done(error as Error));
    else decideWith(asked);
  });
}

function endpointAccess(request: FastifyRequest): AccessRequest {
  const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
  return { action: request.method === "GET" || request.method === "HEAD" ? "read" : "call", resource: { kind: "endpoint", route } };
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
