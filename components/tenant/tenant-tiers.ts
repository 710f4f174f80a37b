/**
 * What each tenant tier may use in its namespace. No benchmark or reference module ships
 * per-tenant quotas (docs/architecture.md#tenant-quotas), so these are ours: each tier is roughly 4× the one below, and no
 * tier may create LoadBalancer or NodePort Services (traffic enters through the platform Gateway).
 */
export const TENANT_TIERS = ["starter", "standard", "premium"] as const;
export type TenantTier = (typeof TENANT_TIERS)[number];

export interface TierSize {
  /** ResourceQuota `spec.hard`. */
  readonly quota: Readonly<Record<string, string>>;
  /** LimitRange: the most one container may ask for. */
  readonly maxContainer: { readonly cpu: string; readonly memory: string };
  /** LimitRange: the largest volume claim. */
  readonly maxVolume: string;
}

const quota = (cpu: number, memoryGi: number, pods: number, services: number, claims: number, storageGi: number) => ({
  "requests.cpu": String(cpu),
  "requests.memory": `${memoryGi}Gi`,
  "limits.cpu": String(cpu * 2),
  "limits.memory": `${memoryGi * 2}Gi`,
  pods: String(pods),
  services: String(services),
  "services.loadbalancers": "0",
  "services.nodeports": "0",
  persistentvolumeclaims: String(claims),
  "requests.storage": `${storageGi}Gi`,
  "count/jobs.batch": String(pods),
});

export const TIER_SIZES: Readonly<Record<TenantTier, TierSize>> = {
  starter: { quota: quota(4, 8, 40, 10, 5, 50), maxContainer: { cpu: "2", memory: "4Gi" }, maxVolume: "20Gi" },
  standard: { quota: quota(16, 32, 150, 30, 20, 500), maxContainer: { cpu: "4", memory: "8Gi" }, maxVolume: "100Gi" },
  premium: { quota: quota(64, 128, 500, 100, 50, 2000), maxContainer: { cpu: "8", memory: "16Gi" }, maxVolume: "500Gi" },
};

/** What a container gets when it states nothing (the LimitRange defaults), the same for every tier. */
export const DEFAULT_CONTAINER = {
  request: { cpu: "100m", memory: "128Mi" },
  limit: { cpu: "500m", memory: "512Mi" },
} as const;
