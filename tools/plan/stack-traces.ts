/**
 * Pulumi's SDK takes `new Error().stack` for each of the four promises behind every output property
 * (@pulumi/pulumi runtime/debuggable.js: kept only to print a leaked promise's origin) and a full
 * stack for each resource's source position (resource.js, `callsites`, which the plan does not
 * record); the policy runner throws an error for each check that cannot run yet. Under tsx every
 * stack is mapped through source maps: at 100 tenants that was half of the plan's CPU time, and a
 * string of about a kilobyte held per promise. The plan shows no stack trace unless
 * ARMATURE_DEBUG=1, so without it the errors raised while it runs capture none, and the few full
 * stacks Pulumi asks for are not source-mapped. Messages are unchanged.
 */
export async function withoutStackTraces<T>(run: () => Promise<T>): Promise<T> {
  if (process.env["ARMATURE_DEBUG"] === "1") return run();
  const limit = Error.stackTraceLimit;
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? false;
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled(false);
  try {
    return await run();
  } finally {
    Error.stackTraceLimit = limit;
    process.setSourceMapsEnabled(sourceMaps);
  }
}
