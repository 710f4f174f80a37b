/** Enforcement per stack: the environment picks a profile, resolved as the Pulumi CLI resolves config. */
import { describe, expect, it } from "vitest";
import { ENFORCEMENT, ENVIRONMENTS, enforcementOf, environmentOf, policyConfigOf } from "./enforcement";
import { firewallPublicSourcesDeclared } from "./firewall/firewall-public-sources-declared";
import { gkeDeletionProtection } from "./gke/gke-deletion-protection";
import { policies } from "./registry";

const levels = (environment: (typeof ENVIRONMENTS)[number]) => Object.fromEntries(policies.map((policy) => [policy.name, enforcementOf(policy, ENFORCEMENT[environment])]));

describe("enforcement profiles", () => {
  it("make every policy mandatory in prod", () => {
    expect(new Set(Object.values(levels("prod")))).toEqual(new Set(["mandatory"]));
  });

  it("relax in dev only what dev config may choose, and relax more in ephemeral stacks", () => {
    const advisory = (environment: (typeof ENVIRONMENTS)[number]) => Object.entries(levels(environment)).flatMap(([name, level]) => (level === "advisory" ? [name] : []));
    expect(advisory("dev").sort()).toEqual(["gke-deletion-protection", "kafka-topic-replication", "redis-high-availability", "sql-deletion-protection", "sql-high-availability"]);
    expect(advisory("ephemeral")).toEqual(expect.arrayContaining([...advisory("dev"), "k8s-min-replicas", "k8s-pod-disruption-budget", "gke-regional"]) as unknown);
    // Security rules never relax, whatever the environment.
    for (const environment of ENVIRONMENTS) {
      for (const name of ["gke-private-nodes", "sql-no-public-ip", "redis-auth", "firewall-no-world-ingress", "iam-no-public-members", "secrets-no-plaintext", "tenant-namespace-isolation"]) {
        expect(levels(environment)[name], `${name} in ${environment}`).toBe("mandatory");
      }
    }
  });

  it("name only policies that exist", () => {
    const names = new Set(policies.map((policy) => policy.name));
    for (const environment of ENVIRONMENTS) {
      for (const key of Object.keys(ENFORCEMENT[environment])) if (key !== "all") expect(names, `${environment}: ${key}`).toContain(key);
    }
  });
});

describe("enforcementOf", () => {
  it("prefers the policy's own entry, then all, then the pack default (mandatory)", () => {
    expect(enforcementOf(gkeDeletionProtection, { all: "advisory", "gke-deletion-protection": "disabled" })).toBe("disabled");
    expect(enforcementOf(gkeDeletionProtection, { "gke-deletion-protection": { enforcementLevel: "advisory" } })).toBe("advisory");
    expect(enforcementOf(gkeDeletionProtection, { all: "advisory" })).toBe("advisory");
    expect(enforcementOf(gkeDeletionProtection, {})).toBe("mandatory");
    expect(enforcementOf(gkeDeletionProtection, { all: "remediate" })).toBe("mandatory");
  });
});

describe("policyConfigOf", () => {
  it("starts from the schema's defaults and takes the profile's entry over them", () => {
    const defaults = policyConfigOf(firewallPublicSourcesDeclared, {});
    expect(defaults["loadBalancerRanges"]).toContain("35.191.0.0/16");
    expect(policyConfigOf(firewallPublicSourcesDeclared, { "firewall-public-sources-declared": { enforcementLevel: "advisory", loadBalancerRanges: ["203.0.113.0/24"] } })).toEqual({
      loadBalancerRanges: ["203.0.113.0/24"],
    });
  });
});

describe("environmentOf", () => {
  it("reads armature:environment, and treats a missing or unknown one as prod", () => {
    expect(environmentOf({ "armature:environment": "dev" })).toBe("dev");
    expect(environmentOf({ "armature:environment": "ephemeral" })).toBe("ephemeral");
    expect(environmentOf({})).toBe("prod");
    expect(environmentOf({ "armature:environment": "staging" })).toBe("prod");
  });
});
