/**
 * A fuzz run over identities × operations: every Cedar decision must be the one the policy table
 * (README, Authorisation) gives. The table is written here a second time, as plain code, without
 * Cedar: an allow the table does not list (or a deny it does not) fails the run with the case.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InvocationContext } from "../invocation-context";
import type { AccessRequest, Action } from "./access-request";
import { CompiledRules } from "./authoriser";
import { parseAuthorisationRules } from "./rules";

const RULES = {
  admins: ["platform/ops-console", "root-person"],
  grants: [
    { subject: "eu-lead", scopes: ["acme/eu"] },
    { subject: "tenant-globex/deployer", scopes: ["acme"] },
  ],
  overrideTargets: ["10.20.0.0/16", ".dev.example.internal"],
  tenants: [{ id: "acme", branches: [{ id: "eu", children: [{ id: "france" }] }, { id: "us" }] }, { id: "acme-x" }, { id: "globex" }],
};
type Actor = NonNullable<InvocationContext["actor"]>;
const engine = new CompiledRules(parseAuthorisationRules(JSON.stringify(RULES)));

// ---- The policy table, as plain code -------------------------------------------------------
const PLATFORM_NAMESPACES = ["platform", "workers"];
const TENANTS = ["acme", "acme-x", "globex"];
const BRANCH_PARENT: Record<string, string> = { "acme/eu": "acme", "acme/france": "acme/eu", "acme/us": "acme" };
const namespaceOf = (workload: string) => (workload.includes("/") ? workload.split("/")[0]! : undefined);
const tenantOf = (workload: string) => /^tenant-(.+)$/.exec(namespaceOf(workload) ?? "")?.[1];
const isPlatformApp = (workload: string) => PLATFORM_NAMESPACES.includes(namespaceOf(workload) ?? "");
const grantsOf = (subject: string) => RULES.grants.filter((grant) => grant.subject === subject).flatMap((grant) => grant.scopes);

/** Scopes a caller may change, and whether it is a platform admin. */
function reach(actor: Actor | undefined): { admin: boolean; scopes: string[]; platformApp: boolean } {
  if (!actor) return { admin: false, scopes: [], platformApp: false };
  const workloadScopes = (workload: string) => [...(tenantOf(workload) ? [tenantOf(workload)!] : []), ...(isPlatformApp(workload) ? ["platform"] : []), ...grantsOf(workload)];
  if (actor.type === "service" && !actor.onBehalfOf) return { admin: RULES.admins.includes(actor.id), scopes: workloadScopes(actor.id), platformApp: isPlatformApp(actor.id) };
  if (actor.type === "service") {
    // a person through a workload: the workload's reach, and their own when the workload is a platform app
    const viaApp = isPlatformApp(actor.id);
    return { admin: viaApp && RULES.admins.includes(actor.onBehalfOf!), scopes: [...workloadScopes(actor.id), ...(viaApp ? grantsOf(actor.onBehalfOf!) : [])], platformApp: false };
  }
  return { admin: RULES.admins.includes(actor.id), scopes: grantsOf(actor.id), platformApp: false };
}

function ownerOf(name: string, separator: string, callerTenant: string | undefined): string {
  const tenants = [...new Set([...TENANTS, ...(callerTenant ? [callerTenant] : [])])].sort((a, b) => b.length - a.length);
  const tenant = tenants.find((id) => name.startsWith(id + separator));
  if (!tenant) return "platform";
  const branch = ["france", "eu", "us"].find((id) => BRANCH_PARENT[`${tenant}/${id}`] && name.slice(tenant.length + 1).startsWith(id + separator));
  return branch ? `${tenant}/${branch}` : tenant;
}

function within(owner: string, scope: string): boolean {
  for (let current: string | undefined = owner; current; current = BRANCH_PARENT[current]) if (current === scope) return true;
  return false;
}

function targetAllowed(target: string, owner: string): boolean {
  const host = new URL(target).hostname;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return host.startsWith("10.20.");
  const tenant = owner.split("/")[0];
  return host.endsWith(".dev.example.internal") || (owner !== "platform" && (host.endsWith(`.tenant-${tenant}.svc.cluster.local`) || host.endsWith(`.tenant-${tenant}.svc`)));
}

function tableAllows(actor: Actor | undefined, request: AccessRequest): boolean {
  if (request.action === "read") return true;
  const caller = reach(actor);
  if (caller.admin) return true;
  if (request.action === "registration.report-health" && caller.platformApp) return true;
  const { resource } = request;
  const name = resource.kind === "registration" ? resource.name : resource.kind === "override" ? resource.service : resource.kind === "job" ? resource.id : resource.kind === "endpoint" ? resource.route : resource.key;
  const owner = resource.kind === "endpoint" ? "platform" : ownerOf(name, resource.kind === "registration" || resource.kind === "override" ? "-" : ".", actor?.type === "service" ? tenantOf(actor.id) : undefined);
  if (!caller.scopes.some((scope) => within(owner, scope))) return false;
  return !(request.action === "override.create" && resource.kind === "override" && resource.target !== undefined && !targetAllowed(resource.target, owner));
}

// ---- Generators --------------------------------------------------------------------------
const workload = fc.tuple(fc.constantFrom("tenant-acme", "tenant-acme-x", "tenant-globex", "tenant-zeta", "platform", "workers", "default"), fc.constantFrom("app", "deployer", "ops-console")).map(([ns, sa]) => `${ns}/${sa}`);
const person = fc.constantFrom("alice", "root-person", "eu-lead", "tenant-globex/deployer");
const actor: fc.Arbitrary<Actor | undefined> = fc.oneof(
  fc.constant(undefined),
  workload.map((id): Actor => ({ id, type: "service" })),
  person.map((id): Actor => ({ id, type: "user" })),
  fc.tuple(workload, person).map(([id, onBehalfOf]): Actor => ({ id, type: "service", onBehalfOf })),
  fc.tuple(person, person).map(([id, onBehalfOf]): Actor => ({ id, type: "user", onBehalfOf })),
);
const owner = fc.constantFrom("acme", "acme-x", "globex", "zeta", "platform", "");
const branch = fc.constantFrom("eu", "france", "us", "x", "");
const nameWith = (separator: string) => fc.tuple(owner, branch, fc.constantFrom("api", "eu", "report")).map(([o, b, s]) => [o, b, s].filter(Boolean).join(separator));
const target = fc.constantFrom(
  "http://api.tenant-acme.svc.cluster.local:8080",
  "http://api.tenant-globex.svc.cluster.local",
  "http://api.tenant-acme-x.svc",
  "http://10.20.4.5:8080",
  "http://10.30.0.1",
  "https://alice.dev.example.internal",
  "https://collector.example.com",
);
const request: fc.Arbitrary<AccessRequest> = fc.oneof(
  fc.tuple(fc.constantFrom<Action>("read", "registration.change", "registration.report-health"), nameWith("-")).map(([action, name]): AccessRequest => ({ action, resource: { kind: "registration", name } })),
  fc.tuple(nameWith("-"), target).map(([service, to]): AccessRequest => ({ action: "override.create", resource: { kind: "override", service, target: to } })),
  nameWith("-").map((service): AccessRequest => ({ action: "override.delete", resource: { kind: "override", service } })),
  fc.tuple(nameWith("."), fc.subarray(["prod", "staging", "*"])).map(([key, environments]): AccessRequest => ({ action: "flag.change", resource: { kind: "flag", key, environments } })),
  nameWith(".").map((key): AccessRequest => ({ action: "segment.change", resource: { kind: "segment", key } })),
  fc.tuple(fc.constantFrom<Action>("job.run", "schedule.change"), nameWith(".")).map(([action, id]): AccessRequest => ({ action, resource: { kind: "job", id } })),
  fc.constantFrom<Action>("read", "call").map((action): AccessRequest => ({ action, resource: { kind: "endpoint", route: "POST /v1/anything" } })),
);

describe("the policy table, fuzzed", () => {
  it("Cedar allows exactly what the table lists, over identities × operations", () => {
    const seen = { allowed: 0, denied: 0 };
    fc.assert(
      fc.property(actor, request, (who, what) => {
        const context = { traceId: "t", spanId: "s", invocationId: "i", ...(who ? { actor: who } : {}) };
        const decision = engine.decide(context, [what]);
        seen[decision.allowed ? "allowed" : "denied"]++;
        expect({ who, what, allowed: decision.allowed }).toEqual({ who, what, allowed: tableAllows(who, what) });
      }),
      { numRuns: 5000 },
    );
    console.log(`policy table fuzz: 5000 cases, ${seen.allowed} allowed, ${seen.denied} denied, none differing from the table`);
    // Both outcomes must be exercised for the comparison to mean anything.
    expect(seen.allowed).toBeGreaterThan(500);
    expect(seen.denied).toBeGreaterThan(500);
  });
});
