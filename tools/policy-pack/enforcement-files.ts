/**
 * The per-environment enforcement profiles (policies/enforcement.ts) as policy pack config files
 * for the Pulumi CLI: `--policy-pack-config policies/enforcement/<environment>.json`, or
 * `pulumi policy enable ... --config` for a policy group in Pulumi Cloud.
 */
import path from "node:path";
import { ENFORCEMENT, ENVIRONMENTS } from "../../policies/enforcement";
import { REPOSITORY_ROOT } from "../repository-root";

export const ENFORCEMENT_DIR = path.join(REPOSITORY_ROOT, "policies/enforcement");

export function enforcementFiles(): Record<string, string> {
  return Object.fromEntries(ENVIRONMENTS.map((environment) => [path.join(ENFORCEMENT_DIR, `${environment}.json`), `${JSON.stringify(ENFORCEMENT[environment], null, 2)}\n`]));
}
