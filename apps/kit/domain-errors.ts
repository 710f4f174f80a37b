/**
 * Failures a store raises in its own terms, with no HTTP in them: what it did not find, a change
 * that conflicts with the current state, input it refuses. `answerDomainErrors` maps them to
 * problem documents in one place, as the error handler of a Fastify context of the app's routes;
 * any other error goes on to the kit's handler (an encapsulated error handler that throws hands the
 * error to its parent's: https://fastify.dev/docs/latest/Reference/Server/#seterrorhandler).
 */
import type { FastifyReply } from "fastify";
import { type ProblemIssue, sendProblem } from "./http-errors";
import type { App } from "./service";

/**
 * A store's failure: `code` is the stable machine-readable reason, the message says what and how to
 * fix it. Subclass one of the three below, which say the status.
 */
export abstract class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The thing the command names does not exist. */
export class NotFound extends DomainError {}

/** The command conflicts with the current state (something still uses it, a move the state does not allow). */
export class Conflict extends DomainError {}

/** The command's input is refused: each issue names the path in the input and what is wrong there. */
export class InvalidInput extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly issues: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(code, message);
  }
}

/** Sends the domain error's problem document: 404, 409 or 400 with its code and message. */
export function sendDomainProblem(reply: FastifyReply, error: DomainError): FastifyReply {
  if (error instanceof InvalidInput) {
    const issues: ProblemIssue[] = error.issues.map((issue) => ({ in: "body", path: issue.path, message: issue.message }));
    return sendProblem(reply, { status: 400, code: error.code, detail: error.message, issues });
  }
  return sendProblem(reply, { status: error instanceof NotFound ? 404 : 409, code: error.code, detail: error.message });
}

/**
 * Answers domain errors thrown in `scope` (a child context, e.g. `actorRoutes`' writes: the root
 * has the kit's handler) as problem documents; any other error goes on to the kit's handler.
 */
export function answerDomainErrors(scope: App): void {
  scope.setErrorHandler((error, _request, reply) => {
    if (!(error instanceof DomainError)) throw error;
    return sendDomainProblem(reply, error);
  });
}
