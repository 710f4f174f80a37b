/**
 * The platform's model as Cedar entities: who calls (a workload, a person, possibly acting through
 * a workload, or nobody), and the resource with the chain of scopes that owns it
 * (tenant → branch → sub-branch, so a grant on a branch cascades down).
 */
import { isIP } from "node:net";
import type { EntityJson, TypeAndId } from "@cedar-policy/cedar-wasm/nodejs";
import type { InvocationContext } from "../invocation-context";
import { type AccessRequest, NAME_SEPARATOR, type Resource, resourceName } from "./access-request";
import { type AuthorisationRules, overrideTargetMatchers, scopeTree } from "./rules";

export const PLATFORM_SCOPE = "platform";
export const ADMINS_GROUP = "platform-admins";
export const APPS_GROUP = "platform-apps";
const TENANT_NAMESPACE = /^tenant-([a-z][a-z0-9-]{0,29})$/;

/** An entity whose uid is a plain {type, id}, as every entity made here is. */
type Entity = EntityJson & { readonly uid: TypeAndId };

const uid = (type: string, id: string): TypeAndId => ({ type: `Armature::${type}`, id });
const scopeUid = (id: string) => uid("Scope", id);

export interface Principal {
  readonly uid: TypeAndId;
  readonly entities: EntityJson[];
  /** "tenant-acme/acme", "alice via tenant-acme/acme", "anonymous": for problems and the audit. */
  readonly description: string;
  /** The tenant of the calling workload, if it is a tenant's. */
  readonly tenant?: string;
  /** Identifies the caller for remembered decisions: the actor as the context states it. */
  readonly key: string;
}

/** The model compiled from one rules document: answers are pure functions of it. */
export class AuthorisationModel {
  private readonly scopes: Map<string, string | undefined>;
  private readonly tenantIds: readonly string[];
  private readonly branchesOf = new Map<string, readonly string[]>();
  private readonly admins: ReadonlySet<string>;
  private readonly grants = new Map<string, string[]>();
  private readonly platformNamespaces: ReadonlySet<string>;
  private readonly targets: ReturnType<typeof overrideTargetMatchers>;

  constructor(readonly rules: AuthorisationRules) {
    this.scopes = scopeTree(rules);
    // Longest first: "acme-x-api" belongs to tenant "acme-x", not to "acme".
    this.tenantIds = rules.tenants.map((tenant) => tenant.id).sort((a, b) => b.length - a.length);
    for (const scope of this.scopes.keys()) {
      const [tenant, branch] = scope.split("/");
      if (branch) this.branchesOf.set(tenant!, [...(this.branchesOf.get(tenant!) ?? []), branch]);
    }
    for (const [tenant, branches] of this.branchesOf) this.branchesOf.set(tenant, [...branches].sort((a, b) => b.length - a.length));
    this.admins = new Set(rules.admins);
    for (const grant of rules.grants) this.grants.set(grant.subject, [...(this.grants.get(grant.subject) ?? []), ...grant.scopes]);
    this.platformNamespaces = new Set(rules.platformNamespaces);
    this.targets = overrideTargetMatchers(rules.overrideTargets);
  }

  private readonly principals = new Map<string, Principal>();

  /** The caller as Cedar sees it, from the invocation's (verified or, without CALLER_TOKEN_ISSUERS, asserted) actor. */
  principal(context: Pick<InvocationContext, "actor"> | undefined): Principal {
    const actor = context?.actor;
    const key = actor ? `${actor.type}:${actor.id}:${actor.onBehalfOf ?? ""}` : "";
    let principal = this.principals.get(key);
    if (!principal) {
      principal = this.principalOf(actor, key);
      if (this.principals.size >= 10_000) this.principals.delete(this.principals.keys().next().value!);
      this.principals.set(key, principal);
    }
    return principal;
  }

  private principalOf(actor: InvocationContext["actor"], key: string): Principal {
    if (!actor) return { uid: uid("Anonymous", "anonymous"), entities: [], description: "an anonymous caller", key };
    if (actor.type === "service") {
      const workload = this.workload(actor.id);
      if (!actor.onBehalfOf) return { ...workload, key };
      const person = this.person(actor.onBehalfOf, workload.uid);
      return { uid: person.uid, entities: [person, ...workload.entities], description: `${actor.onBehalfOf} via ${actor.id}`, tenant: workload.tenant, key };
    }
    // A person; one impersonating another keeps only their own rights.
    const person = this.person(actor.id);
    return { uid: person.uid, entities: [person], description: actor.id, key };
  }

  /** The resource entity and the scope chain above it. */
  resource(request: AccessRequest, principal: Principal): { uid: TypeAndId; entities: EntityJson[] } {
    const { resource } = request;
    const owner = resource.kind === "endpoint" ? PLATFORM_SCOPE : this.ownerOf(resourceName(resource), NAME_SEPARATOR[resource.kind], principal.tenant);
    const type = { registration: "Registration", override: "Override", flag: "Flag", segment: "Segment", job: "Job", endpoint: "Endpoint" }[resource.kind];
    const entity: Entity = { uid: uid(type, resourceName(resource)), attrs: this.attributesOf(resource, owner), parents: [scopeUid(owner)] };
    return { uid: entity.uid, entities: [entity, ...this.scopeChain(owner)] };
  }

  /** The scope owning `name`: the longest tenant id (then branch id) it starts with, followed by the separator. */
  ownerOf(name: string, separator: string, callerTenant?: string): string {
    const candidates = callerTenant && !this.tenantIds.includes(callerTenant) ? [...this.tenantIds, callerTenant].sort((a, b) => b.length - a.length) : this.tenantIds;
    const tenant = candidates.find((id) => name.startsWith(`${id}${separator}`));
    if (!tenant) return PLATFORM_SCOPE;
    const rest = name.slice(tenant.length + 1);
    const branch = this.branchesOf.get(tenant)?.find((id) => rest.startsWith(`${id}${separator}`));
    return branch ? `${tenant}/${branch}` : tenant;
  }

  /** An override target is allowed in the owning tenant's namespace or in a range the stack lists. */
  targetAllowed(target: string, owner: string): boolean {
    let host: string;
    try {
      host = new URL(target).hostname.replace(/^\[|\]$/g, "");
    } catch {
      return false;
    }
    const family = isIP(host);
    if (family) return this.targets.ranges.check(host, family === 6 ? "ipv6" : "ipv4");
    const tenant = owner === PLATFORM_SCOPE ? undefined : owner.split("/")[0];
    if (tenant && (host.endsWith(`.tenant-${tenant}.svc`) || host.endsWith(`.tenant-${tenant}.svc.cluster.local`))) return true;
    return this.targets.suffixes.some((suffix) => host.endsWith(suffix));
  }

  private workload(id: string): Omit<Principal, "key"> & Entity {
    const [namespace] = id.split("/");
    const tenant = id.includes("/") ? TENANT_NAMESPACE.exec(namespace!)?.[1] : undefined;
    const platformApp = id.includes("/") && this.platformNamespaces.has(namespace!);
    const scopes = [...(tenant ? [tenant] : []), ...(platformApp ? [PLATFORM_SCOPE] : []), ...(this.grants.get(id) ?? [])];
    const groups = [...(platformApp ? [APPS_GROUP] : []), ...(this.admins.has(id) ? [ADMINS_GROUP] : [])];
    const entity: Entity = { uid: uid("Workload", id), attrs: { scopes: scopes.map((scope) => ({ __entity: scopeUid(scope) })) }, parents: groups.map((group) => uid("Group", group)) };
    return { ...entity, entities: [entity], description: id, ...(tenant ? { tenant } : {}) };
  }

  private person(id: string, via?: TypeAndId): Entity {
    const scopes = this.grants.get(id) ?? [];
    return {
      uid: uid("Person", id),
      attrs: { scopes: scopes.map((scope) => ({ __entity: scopeUid(scope) })), ...(via ? { via: { __entity: via } } : {}) },
      parents: this.admins.has(id) ? [uid("Group", ADMINS_GROUP)] : [],
    };
  }

  private attributesOf(resource: Resource, owner: string): EntityJson["attrs"] {
    if (resource.kind === "override") return { targetAllowed: resource.target === undefined || this.targetAllowed(resource.target, owner) };
    if (resource.kind === "flag") return { environments: [...resource.environments] };
    return {};
  }

  private scopeChain(scope: string): EntityJson[] {
    const chain: EntityJson[] = [];
    for (let current: string | undefined = scope; current !== undefined; current = this.scopes.get(current)) {
      const parent = this.scopes.get(current);
      chain.push({ uid: scopeUid(current), attrs: {}, parents: parent ? [scopeUid(parent)] : [] });
    }
    return chain;
  }
}

