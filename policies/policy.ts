/**
 * The shape every Armature policy has: an id, a severity, a description, how to fix a violation,
 * and the benchmark item or check it comes from. `resourcePolicy` and `stackPolicy` build plain
 * @pulumi/policy policy objects, so the same objects run in the CLI's PolicyPack and in the plan.
 */
import type {
  PolicyComplianceFramework,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { previewView } from "./lib/unconfigured-providers";

export interface PolicyMetadata {
  /** The policy id: kebab-case, unique, also the name of the file that defines it. */
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  /** What to change to satisfy the policy. */
  readonly remediationSteps: string;
  /** Where the rule comes from: a CIS Benchmark item, a Polaris check, a vendor documentation page, or an Armature convention (sources.ts). */
  readonly framework: PolicyComplianceFramework;
  readonly tags: readonly string[];
  readonly configSchema?: PolicyConfigSchema;
}

export type ArmatureResourcePolicy = ResourceValidationPolicy & PolicyMetadata & {
  readonly validateResource: NonNullable<ResourceValidationPolicy["validateResource"]>;
};
export type ArmatureStackPolicy = StackValidationPolicy & PolicyMetadata;
export type ArmaturePolicy = ArmatureResourcePolicy | ArmatureStackPolicy;

export type ResourceCheck<Props> = (props: NonNullable<Props>, args: ResourceValidationArgs, report: ReportViolation) => void;

export interface ResourcePolicySpec<Props> extends PolicyMetadata {
  /** Resource type tokens, or a test on the type token. */
  readonly appliesTo: readonly string[] | ((type: string) => boolean);
  readonly validate: ResourceCheck<Props>;
}

/** Where a validation keeps its type test, so the plan's runner skips other types without a call. */
const APPLIES_TO = Symbol("armature.appliesTo");

/**
 * A resource policy. The rule for unknown values (README, "Unknown values"): an unknown value never
 * makes a violation. Read a value the verdict needs plainly (the SDK then reports the advisory
 * "can't run during preview"), or with `readKnown`/`readPath` and skip what is not known; a map
 * key whose value is unknown (`unknownKeys`) counts as set. `pulumi up` decides with known values.
 */
export function resourcePolicy<Props = Readonly<Record<string, unknown>>>(spec: ResourcePolicySpec<Props>): ArmatureResourcePolicy {
  const { appliesTo, validate, ...metadata } = spec;
  const applies = typeof appliesTo === "function" ? appliesTo : (type: string) => appliesTo.includes(type);
  const validateResource = (args: ResourceValidationArgs, report: ReportViolation): void => {
    if (!applies(args.type)) args.notApplicable(`${metadata.name} does not apply to ${args.type}`);
    validate(args.props as NonNullable<Props>, args, report);
  };
  // With a single type, the policy SDK skips other resources without calling the policy at all.
  if (Array.isArray(appliesTo) && appliesTo.length === 1) {
    Object.assign(validateResource, { __pulumiType: appliesTo[0] as string });
  }
  Object.defineProperty(validateResource, APPLIES_TO, { value: applies });
  return { ...metadata, tags: [...metadata.tags], validateResource };
}

/**
 * False when calling `validation` for a resource of `type` can only end in "not applicable": its
 * `__pulumiType` (which the SDK's server also skips on) or a resource policy's `appliesTo` names
 * other types. True when it cannot tell.
 */
export function validationAppliesTo(validation: unknown, type: string): boolean {
  const { __pulumiType: pulumiType, [APPLIES_TO]: applies } = validation as { __pulumiType?: unknown; [APPLIES_TO]?: (type: string) => boolean };
  if (typeof pulumiType === "string" && pulumiType.length > 0 && pulumiType !== type) return false;
  return applies ? applies(type) : true;
}

export interface StackPolicySpec extends PolicyMetadata {
  readonly validate: (args: StackValidationArgs, report: ReportViolation) => void;
}

/**
 * A stack policy. Resources whose provider is not configured during a preview reach `validate` as
 * wholly unknown (lib/unconfigured-providers.ts): read them with `readKnown`/`readPath` and skip
 * what is not known; the policy then reports the advisory "cannot check yet" for them by itself.
 */
export function stackPolicy(spec: StackPolicySpec): ArmatureStackPolicy {
  const { validate, ...metadata } = spec;
  const validateStack = (args: StackValidationArgs, report: ReportViolation): void => {
    const view = previewView(args);
    validate(view.args, report);
    view.finish();
  };
  return { ...metadata, tags: [...metadata.tags], validateStack };
}

export function isStackPolicy(policy: ArmaturePolicy): policy is ArmatureStackPolicy {
  return "validateStack" in policy && typeof policy.validateStack === "function";
}
