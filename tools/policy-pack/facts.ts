/**
 * Facts about resource types that policies need and cannot see in a resource's inputs, read from
 * the installed Pulumi SDKs: which GCP types carry labels (and under which input), and which
 * inputs the SDK always wraps as Pulumi secrets. `npm run policies:generate` writes them to
 * policies/generated/resource-facts.json; a test fails when they drift from node_modules.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { REPOSITORY_ROOT } from "../repository-root";

export const FACTS_FILE = path.join(REPOSITORY_ROOT, "policies/generated/resource-facts.json");
const NODE_MODULES = path.join(REPOSITORY_ROOT, "node_modules");

export interface ResourceFacts {
  readonly sdkVersions: Readonly<Record<string, string>>;
  /** GCP types whose labels merge with the provider's defaultLabels, and the input holding them. */
  readonly gcpLabelInputs: Readonly<Record<string, string>>;
  /** Inputs the SDK marks secret (`pulumi.secret(args.x)`): where credentials belong. */
  readonly secretInputs: Readonly<Record<string, readonly string[]>>;
}

const TYPE_TOKEN = /static __pulumiType = '([^']+)'/;
const SECRET_INPUT = /resourceInputs\["(\w+)"\] = args\?\.\w+ \? pulumi\.secret\(/g;
const LABEL_INPUT = /resourceInputs\["(labels|resourceLabels)"\] = args\?\./;

export function collectResourceFacts(nodeModules: string = NODE_MODULES): ResourceFacts {
  const sdkVersions: Record<string, string> = {};
  const gcpLabelInputs: Record<string, string> = {};
  const secretInputs: Record<string, string[]> = {};
  for (const pkg of providerSdks(nodeModules)) {
    const root = path.join(nodeModules, pkg);
    sdkVersions[pkg] = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
    for (const file of sdkModules(root)) {
      const source = readFileSync(file, "utf8");
      const token = TYPE_TOKEN.exec(source)?.[1];
      if (!token) continue;
      // Providers declare their package name as the type; the engine registers `pulumi:providers:<pkg>`.
      const type = token.includes(":") ? token : `pulumi:providers:${token}`;
      const secrets = [...source.matchAll(SECRET_INPUT)].map((match) => match[1]!);
      if (secrets.length > 0) secretInputs[type] = [...new Set(secrets)].sort();
      const labels = LABEL_INPUT.exec(source)?.[1];
      if (pkg === "@pulumi/gcp" && labels && source.includes('resourceInputs["effectiveLabels"]')) gcpLabelInputs[type] = labels;
    }
  }
  return { sdkVersions, gcpLabelInputs: sorted(gcpLabelInputs), secretInputs: sorted(secretInputs) };
}

/** Every installed Pulumi provider SDK (@pulumi/*, but not the engine SDK or the policy SDK). */
function providerSdks(nodeModules: string): string[] {
  const scope = path.join(nodeModules, "@pulumi");
  return readdirSync(scope)
    .filter((name) => !["pulumi", "policy"].includes(name) && existsSync(path.join(scope, name, "package.json")))
    .sort()
    .map((name) => `@pulumi/${name}`);
}

function sdkModules(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "types") walk(path.join(dir, entry.name));
      } else if (entry.name.endsWith(".js")) {
        files.push(path.join(dir, entry.name));
      }
    }
  };
  walk(root);
  return files;
}

function sorted<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
}

export function renderFacts(facts: ResourceFacts): string {
  return `${JSON.stringify(facts, null, 2)}\n`;
}
