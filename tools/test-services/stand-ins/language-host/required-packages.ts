/**
 * Which resource plugins a Node.js program needs, found as upstream's getPackagesFromDir finds them:
 * every package.json below a node_modules folder, anywhere under the program directory, whose "pulumi"
 * section says `"resource": true`. Symlinks are followed (each real folder once) and folders holding a
 * PulumiPolicy file are skipped: a policy pack's plugins are not the program's.
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/nodejs/cmd/pulumi-language-nodejs/main.go
 *
 * Like upstream, the walk starts at the *program* directory: with `main: src/` in Pulumi.yaml and
 * node_modules beside Pulumi.yaml, nothing is found, and the engine loads each plugin when the program
 * first registers a resource of it (the SDK sends the version with the registration).
 */
import { readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

export interface RequiredPackage {
  name: string;
  kind: "resource";
  /** With a leading "v", as upstream reports it. */
  version: string;
  server: string;
  parameterization?: { name: string; version: string; value: Uint8Array };
}

export interface RequiredPackagesResult {
  packages: RequiredPackage[];
  /** Problems met on the way; upstream logs them and still answers with what it found. */
  problems: string[];
  /** Where each @pulumi/pulumi was found, and its version. */
  pulumiSdkVersions: Map<string, string>;
}

const POLICY_PACK_FILES = ["PulumiPolicy.json", "PulumiPolicy.yaml", "PulumiPolicy.yml"];

interface PulumiSection {
  resource?: unknown;
  name?: unknown;
  version?: unknown;
  server?: unknown;
  parameterization?: { name?: unknown; version?: unknown; value?: unknown };
}

export function findRequiredPackages(programDirectory: string): RequiredPackagesResult {
  const result: RequiredPackagesResult = { packages: [], problems: [], pulumiSdkVersions: new Map() };
  walk(path.resolve(programDirectory), false, new Set(), result);
  return result;
}

function walk(dir: string, inNodeModules: boolean, visited: Set<string>, result: RequiredPackagesResult): void {
  if (visited.has(dir)) return;
  visited.add(dir);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    result.problems.push(`reading plugin dir ${dir}: ${(error as Error).message}`);
    return;
  }
  const childrenInNodeModules = inNodeModules || path.basename(dir) === "node_modules";
  for (const entry of entries) {
    let current = path.join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      try {
        current = realpathSync(current);
        isDirectory = statSync(current).isDirectory();
      } catch (error) {
        result.problems.push(`resolving link in plugin dir ${current}: ${(error as Error).message}`);
        continue;
      }
    }
    if (isDirectory) {
      if (isPolicyPack(current)) continue;
      walk(current, childrenInNodeModules, visited, result);
    } else if (inNodeModules && entry.name === "package.json") {
      readPackageJson(current, result);
    }
  }
}

function isPolicyPack(dir: string): boolean {
  return POLICY_PACK_FILES.some((file) => {
    try {
      return statSync(path.join(dir, file)).isFile();
    } catch {
      return false;
    }
  });
}

function readPackageJson(file: string, result: RequiredPackagesResult): void {
  let info: { name?: unknown; version?: unknown; pulumi?: PulumiSection };
  try {
    info = JSON.parse(readFileSync(file, "utf8")) as typeof info;
  } catch (error) {
    result.problems.push(`unmarshaling package.json ${file}: ${(error as Error).message}`);
    return;
  }
  if (info.name === "@pulumi/pulumi" && typeof info.version === "string") result.pulumiSdkVersions.set(file, info.version);
  const pulumi = info.pulumi;
  if (!pulumi || pulumi.resource !== true) return;
  try {
    result.packages.push(packageOf(info.name, info.version, pulumi));
  } catch (error) {
    result.problems.push(`unmarshaling package.json ${file}: ${(error as Error).message}`);
  }
}

function packageOf(packageName: unknown, packageVersion: unknown, pulumi: PulumiSection): RequiredPackage {
  const name = pluginName(packageName, pulumi);
  const declared = typeof pulumi.version === "string" && pulumi.version !== "" ? pulumi.version : packageVersion;
  if (typeof declared !== "string" || declared === "") throw new Error('Missing expected "version" property');
  const version = declared.startsWith("v") ? declared : `v${declared}`;
  const found: RequiredPackage = { name, kind: "resource", version, server: typeof pulumi.server === "string" ? pulumi.server : "" };
  const parameterization = pulumi.parameterization;
  if (parameterization) {
    found.parameterization = {
      name: typeof parameterization.name === "string" ? parameterization.name : "",
      version: typeof parameterization.version === "string" ? parameterization.version : "",
      // Go's encoding/json reads a []byte from base64.
      value: Buffer.from(typeof parameterization.value === "string" ? parameterization.value : "", "base64"),
    };
  }
  return found;
}

function pluginName(packageName: unknown, pulumi: PulumiSection): string {
  if (typeof pulumi.name === "string" && pulumi.name !== "") return pulumi.name;
  if (typeof packageName !== "string" || packageName === "") throw new Error('missing expected "name" property');
  if (packageName.startsWith("@pulumi/")) return packageName.slice("@pulumi/".length);
  throw new Error(
    `Missing property "name" for the third-party plugin '${packageName}' inside package.json under the "pulumi" section.`,
  );
}

/** Upstream's warning when two copies of @pulumi/pulumi cannot work together, or undefined. */
export function incompatibleSdkWarning(versions: Map<string, string>): string | undefined {
  const found = [...versions.entries()];
  const [first, ...rest] = found;
  if (!first) return undefined;
  const [firstPath, firstVersion] = first;
  for (const [otherPath, otherVersion] of rest) {
    const reason = incompatibility(otherVersion, firstVersion);
    if (reason) {
      return `Found incompatible versions of @pulumi/pulumi. ${reason}\n  Version ${firstVersion} referenced at ${firstPath}\n  Version ${otherVersion} referenced at ${otherPath}\n`;
    }
  }
  return undefined;
}

function incompatibility(a: string, b: string): string | undefined {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  if (aMajor === 0 && bMajor === 0) return aMinor === bMinor ? undefined : "Differing major or minor versions are not supported.";
  if (aMajor >= 1 && aMajor <= 2 && bMajor >= 1 && bMajor <= 2) return undefined;
  if (aMajor > 2 || bMajor > 2) return aMajor === bMajor ? undefined : "Differing major versions are not supported.";
  if ((aMajor === 1 && bMajor === 0 && bMinor === 17) || (bMajor === 1 && aMajor === 0 && aMinor === 17)) return undefined;
  return "Differing major or minor versions are not supported.";
}
