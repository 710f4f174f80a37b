/**
 * Reads a local cluster through the real kubectl, as JSON: what the e2e lane checks after
 * `pulumi up` and `pulumi destroy` is what the API server holds, not what Pulumi reported.
 */
import path from "node:path";
import { runCommand } from "./run-command";

export interface KubeObject {
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly ownerReferences?: readonly { kind: string; name: string }[];
    readonly managedFields?: readonly { manager: string; operation: string }[];
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- spec and status differ by kind
  readonly spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- spec and status differ by kind
  readonly status?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- events, secrets and config maps carry top-level fields
  readonly [field: string]: any;
}

export class Kubectl {
  constructor(
    private readonly kubectl: string,
    private readonly kubeconfigPath: string,
    private readonly logFile: string,
  ) {}

  async raw(args: readonly string[]): Promise<string> {
    // Its discovery cache goes beside the log, not into a .kube folder of the checkout.
    const cacheDir = path.join(path.dirname(this.logFile), "kube-cache");
    const result = await runCommand(this.kubectl, ["--kubeconfig", this.kubeconfigPath, "--cache-dir", cacheDir, ...args], { cwd: path.dirname(this.logFile), env: { PATH: process.env["PATH"] ?? "" }, logFile: this.logFile });
    return result.stdout;
  }

  /** Every object of `resource` (e.g. "deployments", "httproutes.gateway.networking.k8s.io"), in all namespaces unless one is given. */
  async list(resource: string, options: { namespace?: string; selector?: string } = {}): Promise<KubeObject[]> {
    const scope = options.namespace ? ["--namespace", options.namespace] : ["--all-namespaces"];
    const selector = options.selector ? ["--selector", options.selector] : [];
    const document = JSON.parse(await this.raw(["get", resource, ...scope, ...selector, "--output", "json", "--show-managed-fields"])) as { items: KubeObject[] };
    return document.items;
  }

  /** The names of every listable resource type the API server serves (core, built-in and CRDs). */
  async listableResources(): Promise<string[]> {
    return (await this.raw(["api-resources", "--verbs=list", "--output", "name"])).split("\n").filter((name) => name !== "");
  }
}
