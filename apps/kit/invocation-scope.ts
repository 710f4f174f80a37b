/**
 * The current invocation, kept in the OpenTelemetry context (one AsyncLocalStorage carries both the
 * active span and the invocation) so that any code running for a request (log calls, outgoing HTTP
 * calls, tracepoints) finds its context without passing it by hand.
 */
import { type Context, type Tracer, context as otelContext, createContextKey } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { Logger } from "pino";
import type { AuthorisationDecision } from "./authorisation/authoriser";
import type { InvocationContext } from "./invocation-context";

export interface InvocationScope {
  readonly context: InvocationContext;
  /** A child of the service logger with the context bound (and the level a toggle asked for). */
  readonly logger: Logger;
  /** The serving service's tracer, for tracepoints made during this invocation. */
  readonly tracer: Tracer;
  /** True where the actor comes only from a verified caller token (CALLER_TOKEN_ISSUERS). */
  readonly callerAuthentication?: boolean;
  /**
   * The authorisation step's decision for this invocation (authorisation/authorisation-step.ts), set
   * once, before the handler runs. Kept here rather than in `context`, which is forwarded to other
   * hops and stored with job runs: a decision holds only for the hop that made it.
   */
  authorisation?: AuthorisationDecision;
}

const SCOPE = createContextKey("armature.invocation-scope");

// The one context manager of the process (tracing.ts registers its tracer provider without one).
otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** `base` (by default the active context) with `scope` as the current invocation. */
export function withScope(scope: InvocationScope, base: Context = otelContext.active()): Context {
  return base.setValue(SCOPE, scope);
}

export function runInScope<T>(scope: InvocationScope, fn: () => T): T {
  return otelContext.with(withScope(scope), fn);
}

export function currentScope(): InvocationScope | undefined {
  return otelContext.active().getValue(SCOPE) as InvocationScope | undefined;
}

export function currentContext(): InvocationContext | undefined {
  return currentScope()?.context;
}
