import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRequiredPackages, incompatibleSdkWarning } from "./required-packages";

let root: string;

function writePackage(dir: string, manifest: object): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest));
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "required-packages-"));
  const modules = path.join(root, "node_modules");
  writePackage(path.join(modules, "@pulumi", "alpha"), { name: "@pulumi/alpha", version: "1.2.3", pulumi: { resource: true } });
  writePackage(path.join(modules, "@pulumi", "pulumi"), { name: "@pulumi/pulumi", version: "3.248.0" });
  writePackage(path.join(modules, "@acme", "thing"), {
    name: "@acme/thing",
    version: "0.1.0",
    pulumi: { resource: true, name: "acme", version: "v2.0.0", server: "https://plugins.acme.test" },
  });
  writePackage(path.join(modules, "@acme", "unnamed"), { name: "@acme/unnamed", version: "1.0.0", pulumi: { resource: true } });
  writePackage(path.join(modules, "plain"), { name: "plain", version: "1.0.0" });
  // A package.json outside node_modules is the program's own, never a plugin.
  writePackage(root, { name: "@pulumi/not-a-plugin", version: "9.9.9", pulumi: { resource: true } });
  // A policy pack's plugins are not the program's.
  mkdirSync(path.join(root, "policy"), { recursive: true });
  writeFileSync(path.join(root, "policy", "PulumiPolicy.yaml"), "runtime: nodejs\n");
  writePackage(path.join(root, "policy", "node_modules", "@pulumi", "beta"), { name: "@pulumi/beta", version: "1.0.0", pulumi: { resource: true } });
  // A link back up must not loop.
  symlinkSync(root, path.join(modules, "loop"));
  mkdirSync(path.join(root, "src"));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("findRequiredPackages", () => {
  it("finds resource plugins in node_modules, named and versioned as upstream reports them", () => {
    const found = findRequiredPackages(root);
    const byName = Object.fromEntries(found.packages.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(["acme", "alpha"]);
    expect(byName["alpha"]).toEqual({ name: "alpha", kind: "resource", version: "v1.2.3", server: "" });
    expect(byName["acme"]).toEqual({ name: "acme", kind: "resource", version: "v2.0.0", server: "https://plugins.acme.test" });
  });

  it("reports a third-party package without a plugin name as a problem, and still answers", () => {
    const found = findRequiredPackages(root);
    expect(found.problems.join("\n")).toContain(`Missing property "name" for the third-party plugin '@acme/unnamed'`);
    expect([...found.pulumiSdkVersions.values()]).toEqual(["3.248.0"]);
  });

  it("walks from the program directory only, as upstream: with main in a subfolder it finds nothing", () => {
    expect(findRequiredPackages(path.join(root, "src")).packages).toEqual([]);
  });

  it("warns about two @pulumi/pulumi majors, not about two minors", () => {
    expect(incompatibleSdkWarning(new Map([["a", "3.248.0"], ["b", "3.100.0"]]))).toBeUndefined();
    expect(incompatibleSdkWarning(new Map([["a", "3.248.0"], ["b", "2.0.0"]]))).toContain("Differing major versions are not supported.");
  });
});
