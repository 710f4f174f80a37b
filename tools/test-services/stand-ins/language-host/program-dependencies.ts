/**
 * What `pulumi about` and `pulumi install` ask the language host about a program's packages. Upstream
 * asks the package manager (`npm ls --json`, `npm install`, yarn, pnpm, bun); the stand-in only reads
 * what is already installed, and never installs or downloads anything.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { findOnPath, locateModule } from "./locate";
import { type PackageManager } from "./runtime-options";

export interface Dependency {
  name: string;
  version: string;
}

/** The folder of the package.json nearest to `dir` (npm's project root), or undefined. */
export function packageRootOf(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(path.join(current, "package.json"))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The installed version of `name` as Node would find it from `root`. */
function installedVersion(root: string, name: string): string | undefined {
  for (let current = root; ; current = path.dirname(current)) {
    const manifest = readJson(path.join(current, "node_modules", name, "package.json"));
    if (typeof manifest?.["version"] === "string") return manifest["version"];
    if (path.dirname(current) === current) return undefined;
  }
}

/** Direct dependencies from package.json with their installed versions; with `transitive`, every installed package. */
export function programDependencies(programDirectory: string, transitive: boolean): Dependency[] {
  const root = packageRootOf(programDirectory);
  if (!root) throw new Error(`failed to get node dependencies: no package.json in ${programDirectory} or above it`);
  if (transitive) return installedPackages(path.join(root, "node_modules"));
  const manifest = readJson(path.join(root, "package.json")) ?? {};
  const names = new Set<string>();
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
    const section = manifest[field];
    if (section && typeof section === "object") for (const name of Object.keys(section)) names.add(name);
  }
  return [...names].sort().map((name) => ({ name, version: installedVersion(root, name) ?? "" }));
}

function installedPackages(nodeModules: string): Dependency[] {
  const found: Dependency[] = [];
  const visit = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith(".")) continue;
      const packageDir = path.join(dir, entry);
      if (entry.startsWith("@")) {
        visit(packageDir);
        continue;
      }
      const manifest = readJson(path.join(packageDir, "package.json"));
      if (typeof manifest?.["name"] === "string" && typeof manifest["version"] === "string") {
        found.push({ name: manifest["name"], version: manifest["version"] });
      }
      visit(path.join(packageDir, "node_modules"));
    }
  };
  visit(nodeModules);
  return found;
}

/** Upstream's choice for "auto": the lock file beside the program says which package manager it uses. */
export function resolvePackageManager(chosen: PackageManager, programDirectory: string): Exclude<PackageManager, "auto"> {
  if (chosen !== "auto") return chosen;
  const root = packageRootOf(programDirectory) ?? programDirectory;
  if (existsSync(path.join(root, "yarn.lock"))) return "yarn";
  if (existsSync(path.join(root, "pnpm-lock.yaml"))) return "pnpm";
  if (existsSync(path.join(root, "bun.lock")) || existsSync(path.join(root, "bun.lockb"))) return "bun";
  return "npm";
}

export interface AboutRuntime {
  executable: string;
  version: string;
  metadata: Record<string, string>;
}

export function aboutRuntime(packageManager: Exclude<PackageManager, "auto">): AboutRuntime {
  const executable = findOnPath("node");
  const versionOf = (command: string) => {
    try {
      return execFileSync(command, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      // Like upstream, an unknown version is no error.
      return "";
    }
  };
  const metadata: Record<string, string> = { packagemanager: packageManager };
  const packageManagerVersion = versionOf(packageManager);
  if (packageManagerVersion !== "") metadata["packagemanagerVersion"] = packageManagerVersion.replace(/^v/, "");
  return { executable, version: versionOf(executable), metadata };
}

/**
 * Stands in for `npm install`: says where the installed SDK is, or fails saying how to install it.
 * The stand-in downloads nothing.
 */
export function checkDependenciesInstalled(programDirectory: string, isPlugin: boolean): string {
  try {
    const sdk = locateModule("@pulumi/pulumi/package.json", programDirectory, isPlugin);
    return `The stand-in language host installs nothing: @pulumi/pulumi is already installed at ${path.dirname(sdk)}\n`;
  } catch {
    throw new Error(
      `the stand-in pulumi-language-nodejs does not install packages, and @pulumi/pulumi cannot be found from ${programDirectory}: ` +
        `run npm install there (or link an installed node_modules into it) first`,
    );
  }
}
