/**
 * V8 flags the offline plan runs with (package.json's `plan` script passes them; bench:plan measures
 * its children with them). The plan allocates millions of short-lived promises and closures (the
 * SDK's outputs), so V8's default young generation (16 MB semi-spaces on 64-bit) is collected
 * thousands of times and promotes objects that die soon after. 64 MB semi-spaces cut the 1,000-tenant
 * plan's wall time by about a quarter with the same peak memory (tools/plan/README.md, "Young
 * generation"). See `node --v8-options` for --max-semi-space-size.
 */
export const PLAN_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=64"];
