/**
 * `armature:authorisation`: the stack's part of the platform APIs' authorisation (apps/kit/README.md,
 * Authorisation): who the platform admins are, which tenants or branches a stack grants to whom,
 * where overrides may point besides a tenant's own namespace, and extra Cedar policies. The
 * tenants and their branches come from `armature:tenants`; platform-apps hands the apps the whole
 * rules document (rulesDocument) in a ConfigMap.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { type ConfigProblem, problem } from "./problems";
import type { OrgBranch, PlainStackConfig } from "./schema";

const subject = z
  .string({ error: 'a workload "<namespace>/<service account>" or a person\'s id' })
  .regex(/^[A-Za-z0-9._:@/-]{1,128}$/, { error: 'a workload "<namespace>/<service account>" (e.g. platform/ops-console) or a person\'s id (e.g. alice@example.com)' });

const scope = z
  .string({ error: 'a tenant id ("acme") or "<tenant>/<branch>" ("acme/eu")' })
  .regex(/^[a-z][a-z0-9-]{0,29}(\/[a-z][a-z0-9-]{0,29})?$/, { error: 'a tenant id ("acme") or "<tenant>/<branch>" ("acme/eu")' });

const isCidr = (value: string) => {
  const [address, prefix, extra] = value.split("/");
  const family = isIP(address ?? "");
  return extra === undefined && family !== 0 && prefix !== undefined && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
};
const overrideTarget = z
  .string({ error: 'a CIDR range ("10.20.0.0/16") or a DNS suffix starting with a dot (".dev.example.internal")' })
  .refine((value) => isCidr(value) || /^\.[a-z0-9.-]+[a-z0-9]$/.test(value), { error: 'a CIDR range ("10.20.0.0/16") or a DNS suffix starting with a dot (".dev.example.internal")' });

export const authorisationConfig = z.strictObject({
  /** Platform admins: they may change anything. */
  admins: z.array(subject).optional(),
  /** Scopes a subject may change beyond its own tenant: a tenant, or a branch and everything below it. */
  grants: z.array(z.strictObject({ subject, scopes: z.array(scope).min(1, { error: "at least one scope" }) })).optional(),
  /** Developer ranges every tenant's overrides may point at, besides the tenant's own namespace. */
  overrideTargets: z.array(overrideTarget).optional(),
  /** Extra Cedar policies (a forbid narrows the shipped permits); the apps validate them when they start. */
  policies: z.string({ error: "Cedar policies as text" }).max(256 * 1024, { error: "at most 256 KiB of policies" }).optional(),
});
export type AuthorisationConfig = z.infer<typeof authorisationConfig>;

/** Every scope a grant names must be a tenant of `armature:tenants` or one of its branches. */
export function authorisationProblems(config: PlainStackConfig): ConfigProblem[] {
  const known = new Set(config.tenants.flatMap((tenant) => [tenant.id, ...branchIds(tenant.branches).map((id) => `${tenant.id}/${id}`)]));
  return (config.authorisation?.grants ?? []).flatMap((grant, index) =>
    grant.scopes
      .map((scopeId, scopeIndex) => ({ scopeId, scopeIndex }))
      .filter(({ scopeId }) => !known.has(scopeId))
      .map(({ scopeId, scopeIndex }) => problem(["authorisation", "grants", index, "scopes", scopeIndex], scopeId, `a tenant of armature:tenants or "<tenant>/<branch>" of one (known: ${[...known].slice(0, 12).join(", ")})`)),
  );
}

/** The rules document the apps read (apps/kit/authorisation/rules.ts), as JSON. */
export function rulesDocument(config: PlainStackConfig, platformNamespaces: readonly string[]): string {
  const toTree = (branches: readonly OrgBranch[]): { id: string; children: unknown[] }[] => branches.map((branch) => ({ id: branch.id, children: toTree(branch.children ?? []) }));
  const { admins = [], grants = [], overrideTargets = [], policies } = config.authorisation ?? {};
  return JSON.stringify({
    admins,
    grants,
    overrideTargets,
    tenants: config.tenants.map((tenant) => ({ id: tenant.id, branches: toTree(tenant.branches) })),
    platformNamespaces,
    ...(policies !== undefined ? { policies } : {}),
  });
}

function branchIds(branches: readonly OrgBranch[]): string[] {
  return branches.flatMap((branch) => [branch.id, ...branchIds(branch.children ?? [])]);
}
