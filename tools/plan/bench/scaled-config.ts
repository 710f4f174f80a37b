/**
 * Stack configs for the plan-scale benchmark: Pulumi.dev.yaml with its `armature:tenants` list
 * replaced by a given number of tenants. The dev file's own tenants come first, then generated
 * ones cycling through every tier and both of the dev file's branch shapes (nested three deep, and
 * flat), so each tenant costs what a real one does.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { REPOSITORY_ROOT } from "../../repository-root";
import { TENANT_TIERS } from "../../../components/tenant/tenant-tiers";

export const BASE_STACK_FILE = path.join(REPOSITORY_ROOT, "Pulumi.dev.yaml");
const TENANTS_KEY = "armature:tenants";

type Tenant = Record<string, unknown> & { id: string };

/** How many tenants a stack file's text lists. */
export function tenantCount(text: string): number {
  const tenants = (parseDocument(text).getIn(["config", TENANTS_KEY]) as { toJSON(): unknown } | undefined)?.toJSON();
  return Array.isArray(tenants) ? tenants.length : 0;
}

/** The text of Pulumi.dev.yaml with exactly `count` tenants (the dev file's first, then generated ones). */
export function scaledStackConfig(count: number, baseText = readFileSync(BASE_STACK_FILE, "utf8")): string {
  if (!Number.isInteger(count) || count < 1) throw new Error(`tenant count: found ${count}, expected a whole number of at least 1`);
  const document = parseDocument(baseText);
  const existing = (document.getIn(["config", TENANTS_KEY]) as { toJSON(): unknown } | undefined)?.toJSON();
  if (!Array.isArray(existing) || existing.length === 0) throw new Error(`${path.basename(BASE_STACK_FILE)} has no ${TENANTS_KEY} list to scale`);
  const templates = existing as Tenant[];
  const tenants = templates.slice(0, count);
  for (let index = tenants.length; index < count; index++) tenants.push(generatedTenant(index, templates[index % templates.length]!));
  document.setIn(["config", TENANTS_KEY], document.createNode(tenants, { aliasDuplicateObjects: false }));
  return document.toString();
}

/** Tenant `index` shaped like `template`: same branches, a tier in turn, ids unique across the stack. */
function generatedTenant(index: number, template: Tenant): Tenant {
  const id = `bench-${String(index).padStart(4, "0")}`;
  return {
    ...template,
    id,
    displayName: `Benchmark tenant ${index}`,
    tier: TENANT_TIERS[index % TENANT_TIERS.length],
    team: `${id}-eng`,
  };
}
