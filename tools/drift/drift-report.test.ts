import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type PreviewDigest, driftReport, renderDriftReport } from "./drift-report";

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, "fixtures", name), "utf8")) as PreviewDigest;

describe("drift report", () => {
  it("lists every resource whose state differs, with the differing property paths", () => {
    const report = driftReport("prod", fixture("preview-drifted.json"));
    expect(report.errors).toEqual([]);
    expect(report.drifted).toEqual([
      {
        urn: expect.stringContaining("platform-sql"),
        type: "gcp:sql/databaseInstance:DatabaseInstance",
        name: "platform-sql",
        op: "update",
        properties: ["settings", "settings.ipConfiguration.ipv4Enabled", "settings.userLabels.team"],
      },
      {
        urn: expect.stringContaining("allow-health-checks"),
        type: "gcp:compute/firewall:Firewall",
        name: "allow-health-checks",
        op: "create",
        properties: [],
      },
    ]);
  });

  it("reports no drift when every step is a no-op", () => {
    const report = driftReport("dev", fixture("preview-clean.json"));
    expect(report.drifted).toEqual([]);
    expect(renderDriftReport(report)).toBe("No drift in dev: every resource matches the program.");
  });

  it("surfaces preview errors instead of claiming there is no drift", () => {
    const report = driftReport("dev", fixture("preview-failed.json"));
    expect(report.errors).toEqual([expect.stringMatching(/^error: refreshing .*permission denied$/)]);
    expect(renderDriftReport(report)).toMatch(/^Drift check of dev could not complete:/);
  });

  it("never copies config values (which may be secrets) into the report", () => {
    const text = renderDriftReport(driftReport("prod", fixture("preview-drifted.json")));
    expect(text).toMatch(/^Drift in prod: 2 resource\(s\) differ from the program\.$/m);
    expect(text).not.toContain("armature:environment");
    expect(text).not.toContain("[secret]");
  });
});
