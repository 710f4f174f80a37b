/** The worker API's 4xx answers beyond schema validation: what was wrong, where, and how to fix it. */
import type { FastifyReply } from "fastify";
import { type InvocationContext, currentContext, sendProblem } from "../../../kit/index";
import { type ParamIssue, describeIssues } from "../job-registry";

/**
 * The invocation context of a change, inside actorRoutes (whose preHandler answered 401 when it
 * names no actor): triggers keep the whole context, so the job's logs and spans continue its trace.
 */
export function changeContext(): InvocationContext {
  const context = currentContext();
  if (!context?.actor) throw new Error("a change outside actorRoutes: no invocation context with an actor");
  return context;
}

export function unknownJob(reply: FastifyReply, jobId: string, where: "path" | "body" = "path"): FastifyReply {
  return sendProblem(reply, {
    status: where === "path" ? 404 : 400,
    code: "unknown_job",
    detail: `no job ${JSON.stringify(jobId)} is registered in this agent; GET /v1/jobs lists the jobs it runs`,
    ...(where === "body" ? { issues: [{ in: "body", path: "jobId", message: "unknown job" }] } : {}),
  });
}

export function invalidParams(reply: FastifyReply, jobId: string, issues: readonly ParamIssue[]): FastifyReply {
  return sendProblem(reply, {
    status: 400,
    code: "invalid_params",
    detail: `the parameters do not fit job ${jobId}'s schema (GET /v1/jobs/${jobId} shows it): ${describeIssues(issues)}`,
    issues: issues.map((issue) => ({ in: "body", ...issue })),
  });
}

export function notFound(reply: FastifyReply, code: string, detail: string): FastifyReply {
  return sendProblem(reply, { status: 404, code, detail });
}

export function conflict(reply: FastifyReply, code: string, detail: string): FastifyReply {
  return sendProblem(reply, { status: 409, code, detail });
}

export function badField(reply: FastifyReply, code: string, path: string, detail: string): FastifyReply {
  return sendProblem(reply, { status: 400, code, detail, issues: [{ in: "body", path, message: detail }] });
}
