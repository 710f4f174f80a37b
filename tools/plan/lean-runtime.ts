/**
 * Two pieces of the Pulumi SDK's bookkeeping that serve only diagnostics the offline plan never
 * shows, switched off while a plan runs:
 *
 * - `debuggablePromise` (@pulumi/pulumi runtime/debuggable.js) wraps each of the four promises
 *   behind every output property, and each resource operation: it defines three properties on the
 *   promise (one an `Error().stack`) and keeps it in a set of leak candidates until it settles, to
 *   name a promise that never settles when the process exits. A plan either completes or fails
 *   with the program's own error, so the plan keeps only the wrapper's two chained promises: the
 *   order in which registrations complete, which is the order of the plan, stays as it was.
 * - `Resource.callsites` (resource.js) captures a stack of unlimited depth per resource, with a
 *   `file://` URL per frame, for the source position the CLI shows next to a resource. The plan
 *   records no source position (recording-monitor.ts), so it returns no frames: the request
 *   carries no position, as for a resource registered from a language without one.
 *
 * Both are module properties the SDK reads at each call, so replacing them takes effect at once;
 * the originals come back when the plan ends (tests plan several stacks in one process).
 */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";

interface DebuggableModule {
  debuggablePromise: <T>(promise: Promise<T>, context: unknown) => Promise<T>;
}

// CommonJS modules of the SDK: the same objects its own modules read the functions from.
const debuggable = createRequire(__filename)("@pulumi/pulumi/runtime/debuggable") as DebuggableModule;
const resourceClass = pulumi.Resource as unknown as { callsites: () => unknown[] };

const settled = <T>(value: T) => value;
const rethrown = (error: unknown): never => {
  throw error;
};

export async function withLeanRuntime<T>(run: () => Promise<T>): Promise<T> {
  const debuggablePromise = debuggable.debuggablePromise;
  const callsites = resourceClass.callsites;
  debuggable.debuggablePromise = (promise) => promise.then(settled).catch(rethrown);
  resourceClass.callsites = () => [];
  try {
    return await run();
  } finally {
    debuggable.debuggablePromise = debuggablePromise;
    resourceClass.callsites = callsites;
  }
}
