/**
 * Small helpers to state a policy's examples (in the style of awsguard's and
 * compliance-policies' test helpers): a resource or a set of resources, run through the same
 * runner as the plan, with the policy at mandatory.
 */
import type { ArmaturePolicy } from "../policy";
import { type InputMode, type PolicyFinding, type PolicySubject, type SubjectProvider, evaluatePolicies } from "../runner";

export interface Example {
  /** What the example shows, for the test title. */
  readonly name: string;
  readonly subjects: readonly PolicySubject[];
  /** The policy's config (as in a --policy-pack-config entry), beyond its schema defaults. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** For violations: every message must match. */
  readonly expect?: RegExp;
}

export interface PolicyCases {
  readonly policy: ArmaturePolicy;
  readonly passes: readonly Example[];
  readonly violations: readonly Example[];
}

export const urnOf = (type: string, name: string) => `urn:pulumi:test::armature::${type}::${name}`;

export interface ResourceSpec {
  readonly type: string;
  readonly name?: string;
  readonly inputs: object;
  readonly provider?: SubjectProvider;
  /** Names of other resources in the same example this one depends on. */
  readonly dependsOn?: readonly string[];
}

/** A one-resource example. */
export function resource(name: string, spec: ResourceSpec, extra: Pick<Example, "config" | "expect"> = {}): Example {
  return stack(name, [spec], extra);
}

/** A several-resource example, for stack policies. */
export function stack(name: string, specs: readonly ResourceSpec[], extra: Pick<Example, "config" | "expect"> = {}): Example {
  const named = specs.map((spec, index) => ({ ...spec, name: spec.name ?? `r${index}` }));
  const urnOfName = new Map(named.map((spec) => [spec.name, urnOf(spec.type, spec.name)]));
  const subjects = named.map((spec) => ({
    urn: urnOf(spec.type, spec.name),
    type: spec.type,
    name: spec.name,
    inputs: structuredClone(spec.inputs) as Record<string, unknown>,
    dependencies: (spec.dependsOn ?? []).map((other) => urnOfName.get(other) ?? other),
    ...(spec.provider ? { provider: spec.provider } : {}),
  }));
  return { name, subjects, ...extra };
}

export function withSubjects(example: Example, subjects: readonly PolicySubject[]): Example {
  return { ...example, subjects };
}

/** Runs one policy over an example at mandatory, with the example's config. */
export function run(policy: ArmaturePolicy, example: Example, mode: InputMode = "preview"): Promise<PolicyFinding[]> {
  return evaluatePolicies([policy], example.subjects, { all: "mandatory", [policy.name]: { ...example.config } }, mode);
}

/** A deep copy of `base` with the input at `path` ("a.b.0.c") replaced. */
export function set<T extends object>(base: T, path: string, value: unknown): T {
  const copy = structuredClone(base);
  const steps = path.split(".");
  let node = copy as Record<string, unknown>;
  for (const step of steps.slice(0, -1)) {
    if (typeof node[step] !== "object" || node[step] === null) node[step] = {};
    node = node[step] as Record<string, unknown>;
  }
  node[steps.at(-1)!] = value;
  return copy;
}

/** A deep copy of `base` without the input at `path`. */
export function unset<T extends object>(base: T, path: string): T {
  const copy = structuredClone(base);
  const steps = path.split(".");
  let node: unknown = copy;
  for (const step of steps.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[step];
  if (typeof node === "object" && node !== null) delete (node as Record<string, unknown>)[steps.at(-1)!];
  return copy;
}
