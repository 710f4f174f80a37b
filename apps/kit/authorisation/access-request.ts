/**
 * What a route asks permission for: an action on a resource of the platform's model. Routes name
 * them in their `config.authorisation` (the apps' route files); the kit decides before the handler.
 */
export type Action =
  | "read"
  | "registration.change"
  | "registration.report-health"
  | "override.create"
  | "override.delete"
  | "flag.change"
  | "segment.change"
  | "job.run"
  | "schedule.change"
  | "call";

/** Resources are owned by the tenant (and branch) their name starts with, else by the platform. */
export type Resource =
  | { readonly kind: "registration"; readonly name: string }
  | { readonly kind: "override"; readonly service: string; readonly target?: string }
  | { readonly kind: "flag"; readonly key: string; readonly environments: readonly string[] }
  | { readonly kind: "segment"; readonly key: string }
  | { readonly kind: "job"; readonly id: string }
  | { readonly kind: "endpoint"; readonly route: string };

export interface AccessRequest {
  readonly action: Action;
  readonly resource: Resource;
}

/** Every environment of a flag: what deleting it or moving its lifecycle changes. */
export const ALL_ENVIRONMENTS = "*";

/** How a kind's names separate the owner's prefix: DNS labels use "-", dotted ids ".". */
export const NAME_SEPARATOR: Record<Resource["kind"], string> = {
  registration: "-",
  override: "-",
  flag: ".",
  segment: ".",
  job: ".",
  endpoint: "\u0000", // never owned by a tenant
};

export function resourceName(resource: Resource): string {
  switch (resource.kind) {
    case "registration":
      return resource.name;
    case "override":
      return resource.service;
    case "flag":
    case "segment":
      return resource.key;
    case "job":
      return resource.id;
    case "endpoint":
      return resource.route;
  }
}

/** "registration acme-billing", "flag acme.checkout in prod, staging": for problems and audit lines. */
export function describeResource(resource: Resource): string {
  switch (resource.kind) {
    case "override":
      return `override of ${resource.service}${resource.target ? ` to ${resource.target}` : ""}`;
    case "flag":
      return `flag ${resource.key}${resource.environments.includes(ALL_ENVIRONMENTS) ? " (every environment)" : resource.environments.length > 0 ? ` in ${resource.environments.join(", ")}` : ""}`;
    default:
      return `${resource.kind} ${resourceName(resource)}`;
  }
}
