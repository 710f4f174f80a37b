/** The pack's shape: enough policies, each in its own file, each with complete metadata. */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { policies } from "./registry";

const SEVERITIES = ["low", "medium", "high", "critical"];

/** Policy source files: every .ts under an area folder that defines a policy. */
function policyFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const area of readdirSync(__dirname, { withFileTypes: true })) {
    if (!area.isDirectory() || ["lib", "testing", "fixtures", "generated", "enforcement", "node_modules"].includes(area.name)) continue;
    for (const file of readdirSync(path.join(__dirname, area.name))) {
      const source = readFileSync(path.join(__dirname, area.name, file), "utf8");
      if (file.endsWith(".ts") && !file.endsWith(".test.ts") && /= (resourcePolicy|stackPolicy|containerPolicy)(<[^(]*>)?\(/.test(source)) files.set(path.basename(file, ".ts"), source);
    }
  }
  return files;
}

describe("the policy registry", () => {
  it("has at least 30 policies with unique kebab-case ids", () => {
    const names = policies.map((policy) => policy.name);
    expect(names.length).toBeGreaterThanOrEqual(30);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(names).not.toContain("all");
  });

  it("defines each policy in one file named after its id, and registers every such file", () => {
    const files = policyFiles();
    expect([...files.keys()].sort()).toEqual(policies.map((policy) => policy.name).sort());
    for (const [name, source] of files) {
      expect(source.match(/= (resourcePolicy|stackPolicy|containerPolicy)(<[^(]*>)?\(/g), `${name}.ts defines one policy`).toHaveLength(1);
      expect(source).toContain(`name: "${name}"`);
    }
  });

  it.each(policies.map((policy) => [policy.name, policy] as const))("%s has complete metadata", (_name, policy) => {
    expect(SEVERITIES).toContain(policy.severity);
    expect(policy.description.length).toBeGreaterThan(20);
    expect(policy.remediationSteps.length).toBeGreaterThan(20);
    expect(policy.framework.name).toMatch(/^(CIS .*|Fairwinds Polaris|Kubernetes Pod Security Standards|Kyverno policy library|Kubernetes documentation|Google Cloud documentation|Apache Kafka documentation|Pulumi documentation|Armature architecture \(docs\/architecture\.md\))$/);
    expect(policy.framework.reference).not.toBe("");
    expect(policy.framework.specification).not.toBe("");
    expect(policy.tags.length).toBeGreaterThan(0);
    // The pack-level default applies; per-stack levels come from the enforcement profiles.
    expect(policy.enforcementLevel).toBeUndefined();
  });
});

describe("policy sources", () => {
  // A source is a public primary document or a section of this repository's own architecture page.
  it.each(policies.map((policy) => [policy.name, policy.framework.reference] as const))("%s cites a source that exists: %s", (_name, reference) => {
    if (reference.startsWith("docs/architecture.md#")) {
      const page = readFileSync(path.join(__dirname, "..", "docs", "architecture.md"), "utf8");
      expect(page).toContain(`<a id="${reference.slice("docs/architecture.md#".length)}"></a>`);
    } else if (/^https?:/.test(reference)) {
      expect(reference).toMatch(/^https:\/\/(cloud\.google\.com|kubernetes\.io|kafka\.apache\.org|www\.pulumi\.com)\//);
    } else {
      expect(reference).not.toMatch(/ARCHITECTURE|\.md\b/);
    }
  });
});

describe("policies/README.md", () => {
  it("documents every policy", () => {
    const readme = readFileSync(path.join(__dirname, "README.md"), "utf8");
    expect(policies.filter((policy) => !readme.includes(`| \`${policy.name}\``)).map((policy) => policy.name)).toEqual([]);
  });
});
