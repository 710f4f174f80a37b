/**
 * The decision engine: Cedar (@cedar-policy/cedar-wasm) over the shipped policies plus a stack's own,
 * with the model's entities. A rules document is compiled once (policies parsed, validated against
 * the schema, cached in the engine); `decide` then evaluates a request against whatever rules were
 * current when it was called, so a decision never changes after it is made.
 */
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import type { EntityJson } from "@cedar-policy/cedar-wasm/nodejs";
import type { InvocationContext } from "../invocation-context";
import { type AccessRequest, type Action, describeResource } from "./access-request";
import { AuthorisationModel } from "./entities";
import { PLATFORM_POLICIES, PLATFORM_SCHEMA } from "./platform-policies";
import { type AuthorisationRules, AuthorisationRulesError } from "./rules";

export interface AccessCheck {
  readonly action: Action;
  /** "registration acme-billing" */
  readonly resource: string;
  readonly allowed: boolean;
  /** The policies that decided: the permits that allowed it, or the forbids that denied it (none: nothing permits it). */
  readonly policies: readonly string[];
}

/** What the authorisation step decided for one invocation; kept in its context. */
export interface AuthorisationDecision {
  readonly allowed: boolean;
  /** "tenant-acme/acme", "alice via platform/flags-ui", "an anonymous caller" */
  readonly subject: string;
  readonly anonymous: boolean;
  readonly checks: readonly AccessCheck[];
  /** For a denial: the first check refused, and why. */
  readonly denied?: AccessCheck & { readonly reason: string };
}

const ACTION_GROUPS: Record<Action, readonly string[]> = {
  read: [],
  "registration.change": ["change"],
  "registration.report-health": ["change"],
  "override.create": ["change"],
  "override.delete": ["change"],
  "flag.change": ["change"],
  "segment.change": ["change"],
  "job.run": ["change"],
  "schedule.change": ["change"],
  call: ["change"],
};
const actionUid = (id: string) => ({ type: "Armature::Action", id });
/** Each action with the groups it is in: the only action entities a request needs. */
const ACTION_ENTITIES = Object.fromEntries(
  Object.entries(ACTION_GROUPS).map(([id, groups]) => [id, [{ uid: actionUid(id), attrs: {}, parents: groups.map(actionUid) }, ...groups.map((group) => ({ uid: actionUid(group), attrs: {}, parents: [] }))]]),
) as Record<Action, EntityJson[]>;
/** Checks remembered per rules document: a decision depends only on the rules, the caller and the request. */
const REMEMBERED_CHECKS = 10_000;

let compiled = 0;

export class CompiledRules {
  readonly model: AuthorisationModel;
  private readonly policySetId: string;

  /** Throws AuthorisationRulesError naming the policy and Cedar's message when a policy does not parse or fit the schema. */
  constructor(readonly rules: AuthorisationRules) {
    this.model = new AuthorisationModel(rules);
    const shipped = namedPolicies(PLATFORM_POLICIES, "platform");
    const own = namedPolicies(rules.policies ?? "", "stack");
    const clash = Object.keys(own).filter((id) => id in shipped);
    if (clash.length > 0) throw new AuthorisationRulesError(`policies: ${clash.join(", ")} is the id of a shipped policy; a stack adds policies (a forbid narrows a shipped permit), it cannot replace one`);
    const policies = { ...shipped, ...own };
    // The stack's policies must fit the schema; the shipped ones are checked by the tests (authoriser.test.ts), not at every start.
    if (Object.keys(own).length > 0) {
      const validation = cedar.validate({ schema: PLATFORM_SCHEMA, policies: { staticPolicies: own }, validationSettings: { mode: "strict" } });
      if (validation.type === "failure") throw new AuthorisationRulesError(`policies: ${validation.errors.map((error) => error.message).join("; ")}`);
      if (validation.validationErrors.length > 0) {
        throw new AuthorisationRulesError(`policies: ${validation.validationErrors.map((error) => `${error.policyId}: ${error.error.message}`).join("; ")}`);
      }
    }
    this.policySetId = `armature-${++compiled}`;
    const parsed = cedar.preparsePolicySet(this.policySetId, { staticPolicies: policies });
    if (parsed.type === "failure") throw new AuthorisationRulesError(`policies: ${parsed.errors.map((error) => error.message).join("; ")}`);
  }

  /** Every request must be allowed; the decision lists each check. Only the context's actor counts. */
  decide(context: Pick<InvocationContext, "actor"> | undefined, requests: readonly AccessRequest[]): AuthorisationDecision {
    const principal = this.model.principal(context);
    if (requests.length !== 1) return decisionOf(principal, requests.map((request) => this.check(principal, request)));
    // One request, the common case: its decision is made once per remembered check (which is per caller and request).
    const check = this.check(principal, requests[0]!);
    let decision = this.singleDecisions.get(check);
    if (!decision) this.singleDecisions.set(check, (decision = decisionOf(principal, [check])));
    return decision;
  }

  private readonly singleDecisions = new WeakMap<AccessCheck, AuthorisationDecision>();

  private readonly remembered = new Map<string, AccessCheck>();

  /** The engine's answer, remembered (a bounded map, oldest first out): lookups repeat the same few checks. */
  private check(principal: ReturnType<AuthorisationModel["principal"]>, request: AccessRequest): AccessCheck {
    const key = `${principal.key}\u0000${request.action}\u0000${JSON.stringify(request.resource)}`;
    let check = this.remembered.get(key);
    if (!check) {
      check = this.evaluate(principal, request);
      if (this.remembered.size >= REMEMBERED_CHECKS) this.remembered.delete(this.remembered.keys().next().value!);
      this.remembered.set(key, check);
    }
    return check;
  }

  private evaluate(principal: ReturnType<AuthorisationModel["principal"]>, request: AccessRequest): AccessCheck {
    const resource = this.model.resource(request, principal);
    const answer = cedar.statefulIsAuthorized({
      principal: principal.uid,
      action: actionUid(request.action),
      resource: resource.uid,
      context: {},
      preparsedPolicySetId: this.policySetId,
      entities: [...principal.entities, ...resource.entities, ...ACTION_ENTITIES[request.action]],
    });
    // An engine error is a deny (fail closed), reported as the reason.
    if (answer.type === "failure") return { action: request.action, resource: describeResource(request.resource), allowed: false, policies: [`error: ${answer.errors.map((error) => error.message).join("; ")}`] };
    const { decision, diagnostics } = answer.response;
    return { action: request.action, resource: describeResource(request.resource), allowed: decision === "allow", policies: diagnostics.reason };
  }
}

function decisionOf(principal: ReturnType<AuthorisationModel["principal"]>, checks: readonly AccessCheck[]): AuthorisationDecision {
  const refused = checks.find((check) => !check.allowed);
  return {
    allowed: refused === undefined && checks.length > 0,
    subject: principal.description,
    anonymous: principal.uid.type === "Armature::Anonymous",
    checks,
    ...(refused ? { denied: { ...refused, reason: reasonFor(refused) } } : {}),
  };
}

function reasonFor(check: AccessCheck): string {
  if (check.policies.some((policy) => policy.startsWith("error: "))) return `the decision failed (${check.policies.join("; ")})`;
  return check.policies.length > 0 ? `forbidden by rule ${check.policies.join(", ")}` : "no rule grants it";
}

/** Policies keyed by their @id annotation (else "<prefix>-<n>"), so decisions name the rule. */
function namedPolicies(text: string, prefix: string): Record<string, string> {
  if (text.trim() === "") return {};
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === "failure") throw new AuthorisationRulesError(`${prefix} policies do not parse: ${parts.errors.map((error) => error.message).join("; ")}`);
  if (parts.policy_templates.length > 0) throw new AuthorisationRulesError(`${prefix} policies: templates (?principal, ?resource) are not supported; write static policies`);
  const named: Record<string, string> = {};
  parts.policies.forEach((policy, index) => {
    const id = /@id\("([^"]+)"\)/.exec(policy)?.[1] ?? `${prefix}-${index + 1}`;
    if (named[id] !== undefined) throw new AuthorisationRulesError(`${prefix} policies: two policies have the id ${id}`);
    named[id] = policy;
  });
  return named;
}
