/**
 * The platform's Cedar schema and shipped policies, as text so the bundled apps carry them
 * (platform.cedarschema and platform.cedar beside this file are the same text, for reading and
 * for Cedar's tooling; authoriser.test.ts keeps them equal).
 */
export const PLATFORM_SCHEMA = `// The authorisation model of the platform's APIs (discovery, flags, worker). Policies in
// platform.cedar and a stack's own rules are validated against it when an app starts.
namespace Armature {
  // A tenant ("acme"), one of its organisation branches ("acme/eu", inside its parent branch or
  // its tenant), or "platform" (what no tenant owns). Membership cascades down the branch tree.
  entity Scope in [Scope];

  // "platform-admins", "platform-apps" (workloads in the platform's namespaces).
  entity Group;

  // A verified workload identity: a Kubernetes service account "<namespace>/<name>".
  entity Workload in [Group] = {
    scopes: Set<Scope>,
  };

  // A person: authenticated directly, or asserted by the workload it acts through ("via").
  entity Person in [Group] = {
    scopes: Set<Scope>,
    via?: Workload,
  };

  // A caller that proved nothing (no token, no actor).
  entity Anonymous;

  // Resources sit in the scope that owns them, found from their names (README: Authorisation).
  entity Registration in [Scope];
  entity Override in [Scope] = {
    // The target is in the owning tenant's namespace or in a range the stack allows.
    targetAllowed: Bool,
  };
  entity Flag in [Scope] = {
    // The environments this request changes; "*" when it changes every one (delete, lifecycle).
    environments: Set<String>,
  };
  entity Segment in [Scope];
  entity Job in [Scope];
  // A route that declares no resource: owned by the platform.
  entity Endpoint in [Scope];

  action read appliesTo {
    principal: [Workload, Person, Anonymous],
    resource: [Registration, Override, Flag, Segment, Job, Endpoint],
  };
  action change;
  action "registration.change" in [change] appliesTo { principal: [Workload, Person, Anonymous], resource: [Registration] };
  action "registration.report-health" in [change] appliesTo { principal: [Workload, Person, Anonymous], resource: [Registration] };
  action "override.create" in [change] appliesTo { principal: [Workload, Person, Anonymous], resource: [Override] };
  action "override.delete" in [change] appliesTo { principal: [Workload, Person, Anonymous], resource: [Override] };
  action "flag.change" in [change] appliesTo { principal: [Workload, Person, Anonymous], resource: [Flag] };
  action "segment.change" in [change] appliesTo { principal: [Workload, Person, Anonymous], resource: [Segment] };
  action "job.run" in [change] appliesTo { principal: [Workload, Person, Anonymous], resource: [Job] };
  action "schedule.change" in [change] appliesTo { principal: [Workload, Person, Anonymous], resource: [Job] };
  action call in [change] appliesTo { principal: [Workload, Person, Anonymous], resource: [Endpoint] };
}
`;

export const PLATFORM_POLICIES = `// The rules the platform ships (apps/kit/README.md, Authorisation). Anything not permitted here
// or by a stack's own rules is denied; a forbid wins over every permit.

// Reads are open to every caller the namespace fence admits. A stack narrows this with a forbid,
// e.g. \`forbid (principal is Armature::Anonymous, action == Armature::Action::"read", resource);\`.
@id("reads-open")
permit (principal, action == Armature::Action::"read", resource);

// Platform admins may do everything: an admin workload, or an admin person acting directly or
// through a platform app. A tenant's workload cannot lend its calls an admin's name.
@id("platform-admins")
permit (principal in Armature::Group::"platform-admins", action, resource)
when { if principal has via then principal.via in Armature::Group::"platform-apps" else true };

// A workload changes what belongs to its scopes: its tenant (and every branch below it), the
// scopes a stack grants it; a platform app, what the platform owns.
@id("workload-own-scope")
permit (principal is Armature::Workload, action in Armature::Action::"change", resource)
when { resource in principal.scopes };

// A person changes what belongs to the scopes granted to them, acting directly or through a
// platform app (which acts for people, e.g. a flags console).
@id("person-own-scope")
permit (principal is Armature::Person, action in Armature::Action::"change", resource)
when {
  resource in principal.scopes &&
  (if principal has via then principal.via in Armature::Group::"platform-apps" else true)
};

// A person acting through a workload has the workload's own reach (the workload answers for the
// person it names); through a tenant's workload, no more than that.
@id("person-via-workload")
permit (principal is Armature::Person, action in Armature::Action::"change", resource)
when { principal has via && resource in principal.via.scopes };

// The health service records the observed health of every registration.
@id("platform-apps-report-health")
permit (principal in Armature::Group::"platform-apps", action == Armature::Action::"registration.report-health", resource);

// An override may send traffic only to the owning tenant's namespace or a range the stack allows;
// platform admins excepted.
@id("override-targets")
forbid (principal, action == Armature::Action::"override.create", resource)
when { !resource.targetAllowed }
unless {
  principal in Armature::Group::"platform-admins" &&
  (if principal has via then principal.via in Armature::Group::"platform-apps" else true)
};
`;
