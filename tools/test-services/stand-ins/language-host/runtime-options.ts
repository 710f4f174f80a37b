/**
 * The `runtime.options` of a Pulumi.yaml / PulumiPolicy.yaml with `runtime: nodejs`, read as upstream's
 * parseOptions reads them, with the same defaults and the same error texts:
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/nodejs/cmd/pulumi-language-nodejs/main.go
 * Options are documented at https://www.pulumi.com/docs/iac/languages-sdks/javascript/
 */

export type PackageManager = "auto" | "npm" | "yarn" | "pnpm" | "bun";

export interface NodeOptions {
  /** Run TypeScript sources through ts-node (the SDK does that when PULUMI_NODEJS_TYPESCRIPT=true). */
  typescript: boolean;
  /** The tsconfig the SDK's ts-node uses, relative to the program directory (PULUMI_NODEJS_TSCONFIG_PATH). */
  tsconfig: string;
  /** Extra arguments for node, split like a shell would. */
  nodeargs: string;
  packagemanager: PackageManager;
}

const PACKAGE_MANAGERS: readonly PackageManager[] = ["auto", "npm", "yarn", "pnpm", "bun"];

export function parseRuntimeOptions(options: Record<string, unknown>): NodeOptions {
  const parsed: NodeOptions = { typescript: true, tsconfig: "", nodeargs: "", packagemanager: "auto" };
  if ("typescript" in options) {
    if (typeof options["typescript"] !== "boolean") throw new Error("typescript option must be a boolean");
    parsed.typescript = options["typescript"];
  }
  if ("tsconfig" in options) {
    if (typeof options["tsconfig"] !== "string") throw new Error("tsconfigpath option must be a string");
    parsed.tsconfig = options["tsconfig"];
  }
  if ("nodeargs" in options) {
    if (typeof options["nodeargs"] !== "string") throw new Error("nodeargs option must be a string");
    parsed.nodeargs = options["nodeargs"];
  }
  if ("packagemanager" in options) {
    const value = options["packagemanager"];
    if (typeof value !== "string") throw new Error("packagemanager option must be a string");
    if (!PACKAGE_MANAGERS.includes(value as PackageManager)) {
      throw new Error(`packagemanager option must be one of auto, npm, yarn, pnpm or bun, got ${JSON.stringify(value)}`);
    }
    parsed.packagemanager = value as PackageManager;
  }
  return parsed;
}

/** The variables the SDK's cmd/run and cmd/run-policy-pack read for these options. */
export function typeScriptEnvironment(options: NodeOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.typescript) env["PULUMI_NODEJS_TYPESCRIPT"] = "true";
  if (options.tsconfig !== "") env["PULUMI_NODEJS_TSCONFIG_PATH"] = options.tsconfig;
  return env;
}
