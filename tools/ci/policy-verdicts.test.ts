import { describe, expect, it } from "vitest";
import type { PlanDocument } from "../plan/plan-document";
import { typeAndName, verdictLines, verdictsFromEventLog, verdictsFromPlan } from "./policy-verdicts";

const DEPLOYMENT_URN = "urn:pulumi:dev::armature::pulumi:pulumi:Stack$kubernetes:apps/v1:Deployment::one-replica";

describe("typeAndName", () => {
  it("takes the innermost type and the name, whatever the stack, project and parents", () => {
    expect(typeAndName(DEPLOYMENT_URN)).toEqual({ type: "kubernetes:apps/v1:Deployment", name: "one-replica" });
    expect(typeAndName("urn:pulumi:bad::other::gcp:sql/databaseInstance:DatabaseInstance::public-sql")).toEqual({
      type: "gcp:sql/databaseInstance:DatabaseInstance",
      name: "public-sql",
    });
  });

  it("gives (stack) for a verdict without a resource, and refuses what is not a URN", () => {
    expect(typeAndName(null)).toEqual({ type: "(stack)", name: "(stack)" });
    expect(typeAndName("")).toEqual({ type: "(stack)", name: "(stack)" });
    expect(() => typeAndName("kubernetes:apps/v1:Deployment::x")).toThrow(/not a Pulumi URN/);
  });
});

describe("verdicts from the plan and from the CLI's event log", () => {
  const plan = {
    policies: {
      violations: [
        { policy: "k8s-min-replicas", severity: "medium", enforcement: "mandatory", urn: DEPLOYMENT_URN, message: "1 replica" },
        { policy: "k8s-pod-disruption-budget", severity: "low", enforcement: "advisory", urn: null, message: "cannot check yet" },
      ],
    },
  } as unknown as PlanDocument;
  const eventLog = [
    JSON.stringify({ sequence: 0, timestamp: 1, preludeEvent: { config: {} } }),
    JSON.stringify({ sequence: 1, timestamp: 1, policyEvent: { resourceUrn: DEPLOYMENT_URN.replace("dev::armature", "bad::armature-bad-program"), policyName: "k8s-min-replicas", enforcementLevel: "mandatory", message: "", color: "never", policyPackName: "p", policyPackVersion: "1", policyPackVersionTag: "1" } }),
    JSON.stringify({ sequence: 2, timestamp: 1, policyEvent: { policyName: "k8s-pod-disruption-budget", enforcementLevel: "advisory", message: "", color: "never", policyPackName: "p", policyPackVersion: "1", policyPackVersionTag: "1" } }),
    "",
  ].join("\n");

  it("reads the same verdicts from both, though stack and project differ", () => {
    expect(verdictLines(verdictsFromEventLog(eventLog))).toEqual(verdictLines(verdictsFromPlan(plan)));
    expect(verdictLines(verdictsFromPlan(plan))).toEqual([
      "[advisory] k8s-pod-disruption-budget @ (stack)::(stack)",
      "[mandatory] k8s-min-replicas @ kubernetes:apps/v1:Deployment::one-replica",
    ]);
  });

  it("tells the enforcement apart: a mandatory verdict is not an advisory one", () => {
    const advisory = eventLog.replace('"enforcementLevel":"mandatory"', '"enforcementLevel":"advisory"');
    expect(verdictLines(verdictsFromEventLog(advisory))).not.toEqual(verdictLines(verdictsFromPlan(plan)));
  });

  it("says which line of the event log is broken", () => {
    expect(() => verdictsFromEventLog(`${eventLog}\n{not json`)).toThrow(/event log line 5 is not JSON/);
    expect(() => verdictsFromEventLog(eventLog.replace('"enforcementLevel":"mandatory"', '"enforcementLevel":"remediate"'))).toThrow(
      /line 2: enforcement level "remediate"/,
    );
  });
});
