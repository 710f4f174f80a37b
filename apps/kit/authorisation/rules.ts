/**
 * The per-stack part of authorisation, as data: who the platform admins are, which scopes a stack
 * grants to whom, where overrides may send traffic, the tenants and their organisation branches,
 * and extra Cedar policies. platform-apps writes it (from `armature:authorisation` and
 * `armature:tenants`) into a ConfigMap the apps read as AUTHORISATION_RULES_FILE.
 */
import { BlockList, isIP } from "node:net";
import { z } from "zod";

const subjectId = z.string().regex(/^[A-Za-z0-9._:@/-]{1,128}$/, 'a workload "<namespace>/<service account>" or a person\'s id');
const name = z.string().regex(/^[a-z][a-z0-9-]{0,29}$/, "a lowercase id: a-z, 0-9 and -, starting with a letter, at most 30 characters");
/** A tenant ("acme") or one of its branches ("acme/eu"). */
const scopeId = z.string().regex(/^[a-z][a-z0-9-]{0,29}(\/[a-z][a-z0-9-]{0,29})?$/, 'a tenant id ("acme") or "<tenant>/<branch>" ("acme/eu")');

interface BranchInput {
  id: string;
  children?: BranchInput[];
}
const branch: z.ZodType<BranchInput> = z.lazy(() => z.object({ id: name, children: z.array(branch).optional() }));

const overrideTarget = z
  .string()
  .refine((value) => isCidr(value) || /^\.[a-z0-9.-]+[a-z0-9]$/.test(value), 'a CIDR range ("10.20.0.0/16") or a DNS suffix starting with a dot (".dev.example.internal")');

export const authorisationRulesSchema = z.strictObject({
  /** Members of the platform admin group: workloads ("platform/ops-console") or people ("alice@example.com"). */
  admins: z.array(subjectId).default([]),
  /** Scopes a subject may change beyond its own tenant: a tenant, or a branch and everything below it. */
  grants: z.array(z.strictObject({ subject: subjectId, scopes: z.array(scopeId).min(1) })).default([]),
  /** Where any tenant's overrides may point besides its own namespace: developer ranges. */
  overrideTargets: z.array(overrideTarget).default([]),
  /** The tenants and their branch trees: resources and grants are placed in them. */
  tenants: z.array(z.object({ id: name, branches: z.array(branch).default([]) })).default([]),
  /** Namespaces whose workloads are platform apps. */
  platformNamespaces: z.array(name).default(["platform", "workers"]),
  /** More Cedar policies (permit or forbid), checked against the platform's schema at start. */
  policies: z.string().max(256 * 1024).optional(),
});
export type AuthorisationRules = z.infer<typeof authorisationRulesSchema>;

/** No admins, no grants: tenants change their own, platform apps what the platform owns. */
export const SHIPPED_RULES: AuthorisationRules = authorisationRulesSchema.parse({});

export class AuthorisationRulesError extends Error {}

/** Parses the rules document (JSON text); every problem names its path and what is expected. */
export function parseAuthorisationRules(text: string): AuthorisationRules {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AuthorisationRulesError(`not JSON (${(error as Error).message})`);
  }
  const parsed = authorisationRulesSchema.safeParse(json);
  if (!parsed.success) {
    throw new AuthorisationRulesError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; "));
  }
  const problems = scopeProblems(parsed.data);
  if (problems.length > 0) throw new AuthorisationRulesError(problems.join("; "));
  return parsed.data;
}

/** Every scope a grant names must be a known tenant or branch: a typo would otherwise grant nothing, silently. */
function scopeProblems(rules: AuthorisationRules): string[] {
  const known = new Set(scopeTree(rules).keys());
  return rules.grants.flatMap((grant, index) =>
    grant.scopes.filter((scope) => !known.has(scope)).map((scope) => `grants.${index}.scopes: ${scope} is not a tenant or branch of tenants[] (known: ${[...known].join(", ") || "none"})`),
  );
}

/** Every scope id ("acme", "acme/eu") with its parent scope id (undefined for a tenant). */
export function scopeTree(rules: AuthorisationRules): Map<string, string | undefined> {
  const tree = new Map<string, string | undefined>();
  for (const tenant of rules.tenants) {
    tree.set(tenant.id, undefined);
    const walk = (branches: readonly BranchInput[], parent: string) => {
      for (const child of branches) {
        const id = `${tenant.id}/${child.id}`;
        tree.set(id, parent);
        walk(child.children ?? [], id);
      }
    };
    walk(tenant.branches, tenant.id);
  }
  return tree;
}

export function isCidr(value: string): boolean {
  const [address, prefix, extra] = value.split("/");
  const family = isIP(address ?? "");
  if (extra !== undefined || !family || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The CIDR entries of overrideTargets as one BlockList (node:net), and the DNS suffixes. */
export function overrideTargetMatchers(targets: readonly string[]): { ranges: BlockList; suffixes: readonly string[] } {
  const ranges = new BlockList();
  const suffixes: string[] = [];
  for (const target of targets) {
    if (isCidr(target)) {
      const [address, prefix] = target.split("/") as [string, string];
      ranges.addSubnet(address, Number(prefix), isIP(address) === 6 ? "ipv6" : "ipv4");
    } else suffixes.push(target);
  }
  return { ranges, suffixes };
}
