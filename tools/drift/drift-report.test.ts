import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type RefreshDigest, driftReport, renderDriftReport } from "./drift-report";

/** Real engine output: fixtures/README.md says how each was made. */
const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, "fixtures", name), "utf8")) as RefreshDigest;

describe("drift report from the engine's refresh diff", () => {
  it("lists every resource changed outside Pulumi, with the property paths that differ", () => {
    const report = driftReport("pr-42", fixture("refresh-drifted.json"));
    expect(report.errors).toEqual([]);
    expect(report.drifted.map(({ urn: _urn, ...rest }) => rest)).toEqual([
      { type: "kubernetes:core/v1:Namespace", name: "globex-namespace", op: "update", properties: ["metadata.labels.tenant"] },
      { type: "kubernetes:core/v1:ResourceQuota", name: "acme-quota", op: "delete", properties: [] },
      { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "acme-default-deny", op: "update", properties: ["spec.policyTypes[0]", "spec.policyTypes[1]"] },
      { type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", name: "apps-discovery-blue", op: "update", properties: ["spec.minReplicas"] },
    ]);
  });

  it("reports no drift when every step is a plain refresh", () => {
    const digest = fixture("refresh-clean.json");
    expect(digest.steps?.map((step) => step.op)).toEqual(["refresh"]);
    const report = driftReport("pr-42", digest);
    expect(report.drifted).toEqual([]);
    expect(renderDriftReport(report)).toBe("No drift in pr-42: every resource is as Pulumi last left it.");
  });

  it("says what changed and how to restore it, and never copies a value into the report", () => {
    const digest = fixture("refresh-drifted.json");
    const text = renderDriftReport(driftReport("pr-42", digest));
    expect(text).toMatch(/^Drift in pr-42: 4 resource\(s\) changed outside Pulumi\.$/m);
    expect(text).toMatch(/^ {2}- deleted kubernetes:core\/v1:ResourceQuota acme-quota$/m);
    expect(text).toMatch(/^ {2}- changed kubernetes:core\/v1:Namespace globex-namespace \(metadata\.labels\.tenant\)$/m);
    expect(text).toMatch(/pulumi up --refresh --stack pr-42/);
    // The fixture holds the values (the relabelled tenant, the stack's config); the report holds none.
    expect(JSON.stringify(digest)).toContain('"mallory"');
    expect(text).not.toContain("mallory");
    expect(text).not.toContain("cc-1042");
  });

  it("surfaces error diagnostics instead of claiming there is no drift", () => {
    const report = driftReport("prod", { steps: [], diagnostics: [{ severity: "error", message: "error: reading Namespace tenant-acme: Unauthorized\nmore" }, { severity: "warning", message: "slow" }] });
    expect(report.errors).toEqual(["error: reading Namespace tenant-acme: Unauthorized"]);
    expect(renderDriftReport(report)).toMatch(/^Drift check of prod could not complete:\n {2}- error: reading Namespace tenant-acme: Unauthorized$/);
  });
});
