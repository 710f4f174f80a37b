import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAuthorisationRules } from "../../apps/kit/authorisation/rules";
import { readStackConfig } from "../../tools/plan/stack-file";
import { rulesDocument } from "./authorisation";
import { decodeConfigValue } from "./load";
import { type RawStackConfig, parseStackConfig } from "./parse";
import { ConfigError, formatProblem } from "./problems";

const ROOT = path.resolve(__dirname, "../..");
type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests edit free-form config

function parseWith(edit: (values: Values) => void) {
  const source = readStackConfig(ROOT, "dev");
  const values = Object.fromEntries(Object.entries(source.config).map(([key, text]) => [key.replace(/^armature:/, ""), decodeConfigValue(text)]));
  edit(values);
  const raw: RawStackConfig = { values, secretKeys: new Set() };
  return parseStackConfig("dev", raw);
}

function problemsOf(edit: (values: Values) => void): string[] {
  try {
    parseWith(edit);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

describe("armature:authorisation", () => {
  it("becomes the rules document the apps read: the stack's admins, grants, ranges and policies, with every tenant's branch tree", () => {
    const config = parseWith(() => undefined);
    const document = JSON.parse(rulesDocument(config, ["platform", "workers"])) as Record<string, unknown>;
    expect(document).toMatchObject({ admins: ["platform/ops-console"], grants: [{ subject: "alice@example.com", scopes: ["acme/eu"] }], overrideTargets: ["10.200.0.0/16"], platformNamespaces: ["platform", "workers"] });
    expect(document["tenants"]).toContainEqual({ id: "acme", branches: [{ id: "global", children: [{ id: "eu", children: [{ id: "france", children: [] }, { id: "germany", children: [] }] }, { id: "americas", children: [] }] }] });
    // The apps accept it: the kit's own parser, the stack's policies included.
    expect(() => parseAuthorisationRules(rulesDocument(config, ["platform", "workers"]))).not.toThrow();
  });

  it("is optional: without it, the document holds the tenants alone", () => {
    const config = parseWith((values) => delete values["authorisation"]);
    expect(JSON.parse(rulesDocument(config, ["platform"]))).toMatchObject({ admins: [], grants: [], overrideTargets: [] });
  });

  it("refuses a grant on a scope that is not a tenant or branch, a bad range and a bad subject, saying where and what is expected", () => {
    const problems = problemsOf((values) => {
      values["authorisation"] = { admins: ["bad subject"], grants: [{ subject: "tenant-acme/ci", scopes: ["acme/nowhere"] }], overrideTargets: ["10.0.0.0/40"] };
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^armature:authorisation\.admins\[0\]: found "bad subject", expected a workload "<namespace>\/<service account>"/),
        expect.stringMatching(/^armature:authorisation\.overrideTargets\[0\]: found "10\.0\.0\.0\/40", expected a CIDR range/),
      ]),
    );
    expect(problemsOf((values) => (values["authorisation"] = { grants: [{ subject: "tenant-acme/ci", scopes: ["acme/nowhere"] }] }))).toEqual([
      expect.stringMatching(/^armature:authorisation\.grants\[0\]\.scopes\[0\]: found "acme\/nowhere", expected a tenant of armature:tenants or "<tenant>\/<branch>" of one \(known: acme, acme\/global/),
    ]);
    expect(problemsOf((values) => (values["authorisation"] = { admin: ["x"] }))).toEqual([expect.stringMatching(/^armature:authorisation/)]);
  });
});
