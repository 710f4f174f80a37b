/**
 * The stack's state as the real engine wrote it (`pulumi stack export`), read for what the e2e lane
 * checks: which custom resources exist, of which type, through which provider.
 */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly custom?: boolean;
  readonly id?: string;
  /** "<provider urn>::<provider id>" for custom resources. */
  readonly provider?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- inputs of every resource type
  readonly inputs?: Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- outputs of every resource type
  readonly outputs?: Record<string, any>;
}

export interface StackExport {
  readonly deployment: { readonly resources?: readonly StateResource[] };
}

export function resourcesOf(state: StackExport): readonly StateResource[] {
  return state.deployment.resources ?? [];
}

/** The last URN segment: the resource's name. */
export function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The name of the provider a custom resource was created through ("services-k8s", "default_5_6_1"...). */
export function providerNameOf(resource: StateResource): string | undefined {
  if (!resource.provider) return undefined;
  const providerUrn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
  return nameOf(providerUrn);
}
