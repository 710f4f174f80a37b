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

export interface PolicyMetadata {
  /** The policy id: kebab-case, unique, also the name of the file that defines it. */
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  /** What to change to satisfy the policy. */
  readonly remediationSteps: string;
  /** Where the rule comes from: a CIS Benchmark item, a Polaris check, ARCHITECTURE.md. */
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
  return { ...metadata, tags: [...metadata.tags], validateResource };
}

export interface StackPolicySpec extends PolicyMetadata {
  readonly validate: (args: StackValidationArgs, report: ReportViolation) => void;
}

export function stackPolicy(spec: StackPolicySpec): ArmatureStackPolicy {
  const { validate, ...metadata } = spec;
  return { ...metadata, tags: [...metadata.tags], validateStack: validate };
}

export function isStackPolicy(policy: ArmaturePolicy): policy is ArmatureStackPolicy {
  return "validateStack" in policy && typeof policy.validateStack === "function";
}
