/**
 * Runs the policy objects outside the Pulumi CLI, with the arguments the CLI's policy server would
 * pass (type, props, urn, name, opts, provider, getConfig, notApplicable...) and its handling of
 * unknown values and not-applicable policies. The offline plan uses it for every recorded
 * resource and the tests for every example, so a policy is exercised exactly as
 * `pulumi preview --policy-pack` exercises it.
 */
import type {
  PolicyPackConfig,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { enforcementOf, policyConfigOf } from "./enforcement";
import { asPreviewInputs, isUnknownValueError } from "./lib/unknowns";
import { type ArmaturePolicy, isStackPolicy, validationAppliesTo } from "./policy";

/** A resource to check: inputs resolved, with `undefined` for a value unknown during a preview. */
export interface PolicySubject {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string | null;
  readonly protect?: boolean;
  readonly dependencies?: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly provider?: SubjectProvider;
}

export interface SubjectProvider {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface PolicyFinding {
  readonly policy: ArmaturePolicy;
  readonly enforcement: "mandatory" | "advisory";
  /** The resource in violation; null when a stack policy blames the whole stack. */
  readonly urn: string | null;
  readonly message: string;
  /** The CLI's advisory "can't run during preview": the policy read a value not known yet. */
  readonly cannotRun: boolean;
}

/** How the subjects' inputs reach the policy: as the CLI gives them (the default), or raw. */
export type InputMode = "preview" | "raw";

/**
 * Runs every enabled policy: resource policies on each subject, stack policies once. What every
 * policy sees of a subject (props, options, provider) is built once per subject, not once per
 * policy, and a policy is not called for a type it declares it does not apply to (the SDK's own
 * `__pulumiType` skip, and `appliesTo` of policy.ts): a plan of many tenants has tens of thousands
 * of subjects and about a hundred policies.
 */
export async function evaluatePolicies(
  policies: readonly ArmaturePolicy[],
  subjects: readonly PolicySubject[],
  config: PolicyPackConfig,
  mode: InputMode = "preview",
): Promise<PolicyFinding[]> {
  const findings: PolicyFinding[] = [];
  const withProps = subjects.map((subject) => ({ subject, props: mode === "preview" ? asPreviewInputs({ ...subject.inputs }) : { ...subject.inputs } }));
  const providerProps: ProviderProps = new Map();
  const described = withProps.map(({ subject, props }) => describe(subject, props, mode, providerProps));
  let stackResources: PolicyResource[] | undefined;
  for (const policy of policies) {
    const level = enforcementOf(policy, config);
    if (level === "disabled") continue;
    const enforcement = level === "advisory" ? "advisory" : "mandatory";
    const getConfig = <T extends object>() => policyConfigOf(policy, config) as T;
    const record = (urn: string | null, message: string, cannotRun = false) =>
      findings.push({ policy, enforcement: cannotRun ? "advisory" : enforcement, urn, message, cannotRun });
    if (isStackPolicy(policy)) {
      stackResources ??= stackPolicyResources(mode === "preview" ? withProps.map(asPreviewOutputs) : withProps, mode, providerProps);
      const args: StackValidationArgs = { resources: stackResources, stackTags: new Map(), getConfig, notApplicable };
      await guarded(null, record, () => policy.validateStack(args, (message, urn) => record(urn ?? null, message)));
      continue;
    }
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    // Which validations apply is a question of the type alone: asked once per type, not per subject.
    const byType = new Map<string, typeof validations>();
    for (let index = 0; index < withProps.length; index++) {
      const subject = withProps[index]!.subject;
      let applicable = byType.get(subject.type);
      if (!applicable) byType.set(subject.type, (applicable = validations.filter((validation) => validationAppliesTo(validation, subject.type))));
      if (applicable.length === 0) continue;
      const args: ResourceValidationArgs = { ...described[index]!, stackTags: new Map(), getConfig, notApplicable };
      for (const validation of applicable) {
        await guarded(subject.urn, record, () => validation(args, (message) => record(subject.urn, message)));
      }
    }
  }
  return findings;
}

type GetConfig = <T extends object>() => T;

/**
 * What a stack policy sees of a resource in a preview: its outputs. The recorded inputs stand in
 * for them, except where the engine has none to give: a resource whose provider has an unknown
 * input is not previewed by the provider, and the engine hands policies an empty property map
 * (lib/unconfigured-providers.ts explains it, with the source).
 */
function asPreviewOutputs<T extends { readonly subject: PolicySubject }>(entry: T): T {
  const provider = entry.subject.provider;
  return provider && containsUndefined(provider.inputs) ? { ...entry, props: asPreviewInputs({}) } : entry;
}

function containsUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(containsUndefined);
}

class NotApplicable extends Error {
  override readonly name = "NotApplicable";
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "not applicable");
};

/** The arguments the CLI passes to a stack policy, with parents and dependencies linked. */
export function stackValidationArgs(
  resources: readonly { readonly subject: PolicySubject; readonly props: Record<string, unknown> }[],
  getConfig: GetConfig,
  mode: InputMode,
): StackValidationArgs {
  return { resources: stackPolicyResources(resources, mode, new Map()), stackTags: new Map(), getConfig, notApplicable };
}

function stackPolicyResources(
  resources: readonly { readonly subject: PolicySubject; readonly props: Record<string, unknown> }[],
  mode: InputMode,
  providerProps: ProviderProps,
): PolicyResource[] {
  const policyResources = resources.map(({ subject, props }): PolicyResource => ({ ...describe(subject, props, mode, providerProps), dependencies: [], propertyDependencies: {} }));
  const byUrn = new Map(policyResources.map((resource) => [resource.urn, resource]));
  resources.forEach(({ subject }, index) => {
    const resource = policyResources[index]!;
    const parent = subject.parent ? byUrn.get(subject.parent) : undefined;
    if (parent) resource.parent = parent;
    resource.dependencies = (subject.dependencies ?? []).flatMap((urn) => byUrn.get(urn) ?? []);
  });
  return policyResources;
}

/** What resource and stack policies both see of a resource. */
function describe(subject: PolicySubject, props: Record<string, unknown>, mode: InputMode, providerProps: ProviderProps) {
  const isType = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string } | undefined)?.__pulumiType === subject.type;
  const provider = providerOf(subject, mode, providerProps);
  return {
    type: subject.type,
    props,
    urn: subject.urn,
    name: subject.name,
    opts: optionsOf(subject),
    ...(provider ? { provider } : {}),
    isType,
    // Typed by the SDK per resource class; at run time it is the props, as in the CLI.
    asType: ((resourceClass: unknown) => (isType(resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"] & PolicyResource["asType"],
  };
}

function optionsOf(subject: PolicySubject): PolicyResourceOptions {
  return {
    protect: subject.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(subject.parent ? { parent: subject.parent } : {}),
  };
}

/** A provider's props as policies see them, per inputs object: resources that share a provider share its view. */
type ProviderProps = Map<object, Record<string, unknown>>;

function providerOf(subject: PolicySubject, mode: InputMode, providerProps: ProviderProps): PolicyProviderResource | undefined {
  const provider = subject.provider;
  if (!provider) return undefined;
  let props = providerProps.get(provider.inputs);
  if (!props) providerProps.set(provider.inputs, (props = mode === "preview" ? asPreviewInputs({ ...provider.inputs }) : { ...provider.inputs }));
  return { type: provider.type, name: provider.name, urn: provider.urn, props };
}

/**
 * As the CLI does: a policy that reads an unknown value cannot run during a preview (reported as
 * advisory), a policy that declares itself not applicable reports nothing, and any other error is
 * a bug in the policy and propagates.
 */
async function guarded(
  urn: string | null,
  record: (urn: string | null, message: string, cannotRun: boolean) => void,
  run: () => void | Promise<void>,
): Promise<void> {
  try {
    // Most policies are synchronous: awaiting only a returned promise saves a microtask per call.
    const result = run();
    if (result instanceof Promise) await result;
  } catch (error) {
    if (error instanceof NotApplicable) return;
    if (!isUnknownValueError(error)) throw error;
    record(urn, `can't run during preview: ${error.message}`, true);
  }
}
