/**
 * Every error leaves as an RFC 9457 problem document (application/problem+json): 4xx say what was
 * wrong and where; 5xx say only that something failed and which invocation to quote. No stack
 * trace ever reaches a caller; the full error goes to the log.
 */
import { STATUS_CODES } from "node:http";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** The problem document's name among the OpenAPI document's component schemas. */
export const PROBLEM_COMPONENT = "Problem";

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe("What was wrong and how to fix it."),
    code: z.string().optional().describe("A stable machine-readable reason, e.g. invalid_body, actor_required."),
    invocationId: z.string().optional().describe("Quote it when reporting a problem: the service's logs and traces carry it."),
    issues: z.array(z.object({ in: z.string(), path: z.string(), message: z.string() })).optional().describe("Each invalid part of the request: where (body, querystring, params, headers) and which path."),
  })
  .meta({ id: PROBLEM_COMPONENT, description: "An RFC 9457 problem document (application/problem+json)." });
export type Problem = z.infer<typeof problemSchema>;

export type ProblemIssue = NonNullable<Problem["issues"]>[number];

/** Thrown from a handler (or anything it calls): answered as a problem document with this status. */
export class HttpProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: readonly ProblemIssue[],
  ) {
    super(message);
  }
}

/** Sends a problem document; its invocationId is the request's unless the problem names one. */
export function sendProblem(reply: FastifyReply, problem: Omit<Problem, "type" | "title"> & { title?: string }): FastifyReply {
  const invocationId = problem.invocationId ?? reply.request.invocation?.context.invocationId;
  const body: Problem = { type: "about:blank", title: problem.title ?? STATUS_CODES[problem.status] ?? "Error", ...problem, ...(invocationId ? { invocationId } : {}) };
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? "request";
      const issues = error.validation.map((issue) => ({
        in: where,
        path: issue.instancePath.replace(/^\//, "").replaceAll("/", ".") || "(root)",
        message: issue.message ?? "is invalid",
      }));
      return sendProblem(reply, {
        status: 400,
        code: `invalid_${where}`,
        detail: `the request ${where} is invalid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
        issues,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const issues = error instanceof HttpProblem && error.issues ? { issues: [...error.issues] } : {};
      return sendProblem(reply, { status, code: error.code ?? "bad_request", detail: error.message, ...issues });
    }
    request.log.error({ err: error }, "request failed");
    return sendProblem(reply, {
      status: status >= 500 && status < 600 ? status : 500,
      code: "internal_error",
      detail: "the service failed to handle this request; quote the invocationId when you report it",
    });
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      status: 404,
      code: "not_found",
      detail: `no route ${request.method} ${request.url.split("?")[0]}; the API is described at /openapi.json`,
    }),
  );
}

/** The router refused the path before any route ran: too long a parameter, or bad percent-encoding. */
export function routerProblem(error: FastifyError): Omit<Problem, "type" | "title"> {
  const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
  const message = tooLong ? "a path parameter is longer than the router takes (200 characters)" : "the path is not valid percent-encoding";
  return { status: 400, code: "invalid_params", detail: `the request path is invalid: ${message}`, issues: [{ in: "params", path: "(root)", message }] };
}

/**
 * A method no route of a known path answers to gets 405 with `Allow` (RFC 9110 §15.5.6), before its
 * body is read: a QUERY or a POST to a read-only path is answered the same with any content type.
 * Added after the hook that opens the invocation, so the problem names it.
 */
export function answerUnknownMethods(app: FastifyInstance): void {
  const methods = new Set<string>();
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) methods.add(method.toUpperCase());
  });
  app.addHook("onRequest", (request, reply, done) => {
    if (!request.is404) return done();
    const path = request.url.split("?")[0]!;
    const allowed = [...methods].filter((method) => app.findRoute({ method, url: path }) !== null).sort();
    if (allowed.length === 0) return done();
    reply.header("allow", allowed.join(", "));
    sendProblem(reply, { status: 405, code: "method_not_allowed", detail: `${request.method} is not allowed on ${path}; it answers to ${allowed.join(", ")} (see /openapi.json)` });
  });
}
