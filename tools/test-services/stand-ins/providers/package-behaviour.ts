/**
 * What differs between the stand-in providers: the outputs each resource type computes, which input
 * changes force a replacement, Check-time defaults, and the functions (invokes) a package offers.
 * Everything else (the protocol, diffs, secrets, records) is shared (provider-core.ts).
 */
import type { Properties } from "./wire";

export interface ResourceCall {
  /** e.g. "gcp:container/cluster:Cluster". */
  readonly type: string;
  readonly urn: string;
  /** The resource's name in the program (the URN's last part). */
  readonly name: string;
  /** The checked inputs, with secrets and unknowns as the engine sent them. */
  readonly inputs: Properties;
  /** The provider's configuration (Configure's args). */
  readonly config: Properties;
  /** On an update: the resource's current state (outputs) and id. */
  readonly old?: { id: string; outputs: Properties };
}

export interface Computed {
  /** The provider-assigned id; when absent, the old id on an update or a generated one on a create. */
  readonly id?: string;
  /** Merged over the inputs to make the outputs. Mark secret outputs with wire.secret(). */
  readonly outputs: Properties;
}

export type PackageFunction = (args: Properties, config: Properties) => Properties | Promise<Properties>;

export interface PackageBehaviour {
  /** The package name: "gcp", "random", ... */
  readonly name: string;
  /** Why Configure must fail with this configuration, as the real provider would; undefined when it is fine. */
  configureProblem?(config: Properties): string | undefined;
  /** Provider-level defaults applied in Check (e.g. autonaming). Default: the inputs unchanged. */
  check?(call: Omit<ResourceCall, "old">): Properties;
  /** The computed outputs of a create or update (never called in a preview). */
  compute(call: ResourceCall): Computed | Promise<Computed>;
  /** Of the changed top-level input keys, those that force a replacement. */
  replaces(type: string, changedKeys: readonly string[]): string[];
  /** Function token → implementation (e.g. "gcp:organizations/getProject:getProject"). */
  readonly functions: Readonly<Record<string, PackageFunction>>;
}

/** The name a resource has in the program: the URN's last `::` part. */
export function nameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}
