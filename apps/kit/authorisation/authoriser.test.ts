import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { describe, expect, it } from "vitest";
import type { InvocationContext } from "../invocation-context";
import type { AccessRequest } from "./access-request";
import { CompiledRules } from "./authoriser";
import { PLATFORM_POLICIES, PLATFORM_SCHEMA } from "./platform-policies";
import { AuthorisationRulesError, parseAuthorisationRules } from "./rules";
import { readFileSync } from "node:fs";
import path from "node:path";

const rules = parseAuthorisationRules(
  JSON.stringify({
    admins: ["platform/ops-console", "root-person"],
    grants: [{ subject: "eu-lead", scopes: ["acme/eu"] }],
    overrideTargets: ["10.20.0.0/16", ".dev.example.internal"],
    tenants: [{ id: "acme", branches: [{ id: "eu", children: [{ id: "france" }] }, { id: "us" }] }, { id: "acme-x" }, { id: "globex" }],
  }),
);
const engine = new CompiledRules(rules);
const as = (id: string, type: "user" | "service" = "service", onBehalfOf?: string): InvocationContext => ({ traceId: "t", spanId: "s", invocationId: "i", actor: { id, type, ...(onBehalfOf ? { onBehalfOf } : {}) } });
const allowed = (context: InvocationContext | undefined, request: AccessRequest) => engine.decide(context, [request]).allowed;
const registration = (name: string): AccessRequest => ({ action: "registration.change", resource: { kind: "registration", name } });

describe("the shipped rules", () => {
  it("let a tenant's workload change its own and nothing of another tenant", () => {
    expect(allowed(as("tenant-acme/acme"), registration("acme-billing"))).toBe(true);
    expect(allowed(as("tenant-acme/acme"), registration("globex-billing"))).toBe(false);
    expect(allowed(as("tenant-acme/acme"), registration("billing"))).toBe(false);
    // the longest tenant id owns a name: acme cannot take acme-x's
    expect(allowed(as("tenant-acme/acme"), registration("acme-x-api"))).toBe(false);
    expect(allowed(as("tenant-acme-x/acme-x"), registration("acme-x-api"))).toBe(true);
    expect(allowed(as("tenant-acme/acme"), { action: "job.run", resource: { kind: "job", id: "acme.report" } })).toBe(true);
    expect(allowed(as("tenant-acme/acme"), { action: "job.run", resource: { kind: "job", id: "platform.noop" } })).toBe(false);
  });

  it("cascade a branch grant down the branch tree, and no further", () => {
    expect(allowed(as("eu-lead", "user"), registration("acme-eu-api"))).toBe(true);
    expect(allowed(as("eu-lead", "user"), registration("acme-france-api"))).toBe(true);
    expect(allowed(as("eu-lead", "user"), registration("acme-us-api"))).toBe(false);
    expect(allowed(as("eu-lead", "user"), registration("acme-api"))).toBe(false);
  });

  it("let admins do everything, but not through a tenant's workload", () => {
    expect(allowed(as("platform/ops-console"), registration("globex-billing"))).toBe(true);
    expect(allowed(as("root-person", "user"), { action: "override.create", resource: { kind: "override", service: "globex-api", target: "https://203.0.113.9" } })).toBe(true);
    expect(allowed(as("platform/flags-ui", "service", "root-person"), registration("globex-billing"))).toBe(true);
    expect(allowed(as("tenant-acme/acme", "service", "root-person"), registration("globex-billing"))).toBe(false);
    expect(allowed(as("tenant-acme/acme", "service", "root-person"), registration("acme-billing"))).toBe(true);
  });

  it("limit override targets to the tenant's namespace and the allowed ranges", () => {
    const override = (target: string): AccessRequest => ({ action: "override.create", resource: { kind: "override", service: "acme-api", target } });
    expect(allowed(as("tenant-acme/acme"), override("http://api.tenant-acme.svc.cluster.local:8080"))).toBe(true);
    expect(allowed(as("tenant-acme/acme"), override("http://10.20.3.4:8080"))).toBe(true);
    expect(allowed(as("tenant-acme/acme"), override("https://alice.dev.example.internal"))).toBe(true);
    expect(allowed(as("tenant-acme/acme"), override("http://api.tenant-globex.svc.cluster.local"))).toBe(false);
    expect(allowed(as("tenant-acme/acme"), override("https://attacker.example.com"))).toBe(false);
    const decision = engine.decide(as("tenant-acme/acme"), [override("https://attacker.example.com")]);
    expect(decision.denied?.reason).toBe("forbidden by rule override-targets");
  });

  it("open reads, let platform apps report health, and refuse anonymous changes", () => {
    expect(allowed(undefined, { action: "read", resource: { kind: "registration", name: "globex-api" } })).toBe(true);
    expect(allowed(as("platform/health"), { action: "registration.report-health", resource: { kind: "registration", name: "globex-api" } })).toBe(true);
    expect(allowed(as("platform/health"), registration("globex-api"))).toBe(false);
    const anonymous = engine.decide(undefined, [registration("acme-api")]);
    expect(anonymous).toMatchObject({ allowed: false, anonymous: true, denied: { reason: "no rule grants it" } });
  });

  it("deny the whole decision when one of its checks is refused", () => {
    const decision = engine.decide(as("tenant-acme/acme"), [registration("acme-api"), registration("globex-api")]);
    expect(decision.allowed).toBe(false);
    expect(decision.denied?.resource).toBe("registration globex-api");
  });
});

describe("a stack's rules", () => {
  it("may add a forbid that narrows a shipped permit", () => {
    const narrowed = new CompiledRules({ ...rules, policies: '@id("no-prod-flags") forbid (principal is Armature::Workload, action == Armature::Action::"flag.change", resource) when { resource.environments.contains("prod") || resource.environments.contains("*") };' });
    const flag = (environments: string[]): AccessRequest => ({ action: "flag.change", resource: { kind: "flag", key: "acme.checkout", environments } });
    expect(narrowed.decide(as("tenant-acme/acme"), [flag(["staging"])]).allowed).toBe(true);
    expect(narrowed.decide(as("tenant-acme/acme"), [flag(["prod"])]).denied?.reason).toBe("forbidden by rule no-prod-flags");
  });

  it("are refused with the reason when they do not parse, fit the schema or name an unknown scope", () => {
    expect(() => new CompiledRules({ ...rules, policies: "permit (principal, action, resource" })).toThrow(AuthorisationRulesError);
    expect(() => new CompiledRules({ ...rules, policies: 'permit (principal, action, resource) when { resource.owner == "x" };' })).toThrow(/policies: .*owner/);
    expect(() => new CompiledRules({ ...rules, policies: '@id("reads-open") permit (principal, action, resource);' })).toThrow(/shipped policy/);
    expect(() => parseAuthorisationRules(JSON.stringify({ grants: [{ subject: "x", scopes: ["nope"] }] }))).toThrow(/grants.0.scopes: nope is not a tenant or branch/);
    expect(() => parseAuthorisationRules(JSON.stringify({ overrideTargets: ["10.0.0.0/33"] }))).toThrow(/overrideTargets.0: a CIDR range/);
    expect(() => parseAuthorisationRules('{"admins": "alice"}')).toThrow(/admins: /);
    expect(() => parseAuthorisationRules("{")).toThrow(/not JSON/);
  });
});

it("ships policies that fit the schema in Cedar's strict validation (the apps skip this check at start)", () => {
  const validation = cedar.validate({ schema: PLATFORM_SCHEMA, policies: { staticPolicies: PLATFORM_POLICIES }, validationSettings: { mode: "strict" } });
  expect(validation).toMatchObject({ type: "success", validationErrors: [], validationWarnings: [] });
});

it("ships platform.cedar and platform.cedarschema as the text the apps carry", () => {
  expect(PLATFORM_POLICIES).toBe(readFileSync(path.join(__dirname, "platform.cedar"), "utf8"));
  expect(PLATFORM_SCHEMA).toBe(readFileSync(path.join(__dirname, "platform.cedarschema"), "utf8"));
});
