/**
 * After each probe round, every registered service's observed health goes back to discovery
 * (PUT /v1/services/{name}/health), so its documents, and every SDK through its pushes, carry it;
 * discovery stamps the time it was checked. The calls go through the kit's HTTP client (timeout,
 * circuit breaker) inside an invocation whose actor is the health service, as discovery's audit
 * requires. A report that fails is logged; it never fails the round or the health page.
 */
import { type HealthDocument, type HealthStatus, type KitConfig, type ServiceKit, log, rethrow, worstStatus } from "../kit/index";
import type { ServiceDocument } from "../discovery/sdk/index";

/** Who the reports come from, in discovery's audit log. */
export const HEALTH_ACTOR = { id: "health", type: "service" } as const;

/**
 * One status per service from its endpoints' readiness checks: fail when every endpoint fails, warn
 * when some do (it still serves, with less capacity) or when one is slow, else pass.
 */
export function serviceStatuses(document: HealthDocument, services: ReadonlyArray<Pick<ServiceDocument, "name">>): Map<string, HealthStatus> {
  const statuses = new Map<string, HealthStatus>();
  for (const service of services) {
    const results = document.checks?.[`${service.name}:readiness`] ?? [];
    if (results.length === 0) continue;
    const failing = results.filter((result) => result.status === "fail").length;
    statuses.set(service.name, failing === results.length ? "fail" : failing > 0 ? "warn" : worstStatus(results.map((result) => result.status)));
  }
  return statuses;
}

export type HealthReporter = (statuses: ReadonlyMap<string, HealthStatus>) => Promise<void>;

export function createHealthReporter(kit: ServiceKit<KitConfig>, discoveryUrl: string, timeoutMs: number): HealthReporter {
  const http = kit.http({ name: "discovery-health-reports", timeoutMs });

  async function report(name: string, status: HealthStatus): Promise<void> {
    const response = await http.request<{ detail?: string }>(new URL(`/v1/services/${encodeURIComponent(name)}/health`, discoveryUrl), { method: "PUT", json: { status } }, rethrow);
    // 404: deregistered since this round listed it; nothing to report.
    if (response.status === 200 || response.status === 404) return;
    throw new Error(`discovery answered ${response.status}${response.body.detail ? `: ${response.body.detail}` : ""}`);
  }

  return (statuses) =>
    kit.invoke("report health to discovery", { actor: HEALTH_ACTOR }, async () => {
      const outcomes = await Promise.allSettled([...statuses].map(([name, status]) => report(name, status)));
      const failures = [...statuses.keys()].flatMap((service, index) => {
        const outcome = outcomes[index]!;
        return outcome.status === "rejected" ? [{ service, error: (outcome.reason as Error).message }] : [];
      });
      if (failures.length > 0) log().warn({ failures }, `could not report the health of ${failures.map((failure) => failure.service).join(", ")} to discovery`);
    });
}
