/**
 * The current invocation, kept in AsyncLocalStorage so that any code running for a request (log
 * calls, outgoing HTTP calls, tracepoints) finds its context without passing it by hand.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { InvocationContext } from "./invocation-context";

export interface InvocationScope {
  readonly context: InvocationContext;
  /** A child of the service logger with the context bound (and the level a toggle asked for). */
  readonly logger: Logger;
  /** The serving service's tracer, for tracepoints made during this invocation. */
  readonly tracer: Tracer;
}

const storage = new AsyncLocalStorage<InvocationScope>();

export function runInScope<T>(scope: InvocationScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(): InvocationScope | undefined {
  return storage.getStore();
}

export function currentContext(): InvocationContext | undefined {
  return storage.getStore()?.context;
}
