/**
 * The labels every labelable resource carries (team, tenant, environment), so that cost reports,
 * policies and alerts can attribute any resource. Shared platform resources use tenant "platform".
 */
import type { StackConfig } from "./config/parse";
import { PLATFORM_TENANT } from "./config/platform-tenant";

export type Labels = Readonly<Record<string, string>>;

export function platformLabels(config: StackConfig, tenant: string = PLATFORM_TENANT): Labels {
  return {
    team: config.owner.team,
    tenant,
    environment: config.environment,
    stack: config.stack.toLowerCase().replace(/[^a-z0-9_-]/g, "-"),
    "managed-by": "pulumi",
    ...(config.owner.costCentre ? { "cost-centre": config.owner.costCentre } : {}),
    ...(config.ephemeral ? { "ttl-hours": String(config.ephemeral.ttlHours) } : {}),
  };
}
