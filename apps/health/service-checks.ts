/** Checks for the services registered in discovery: each endpoint's readiness path, with a timeout. */
import type { HealthCheck } from "../kit/index";
import type { ServiceDocument } from "../discovery/sdk/index";

export function endpointChecks(services: ReadonlyArray<Pick<ServiceDocument, "name" | "endpoints">>, probePath: string, timeoutMs: number): HealthCheck[] {
  return services.flatMap((service) =>
    service.endpoints.map(
      (endpoint): HealthCheck => ({
        key: `${service.name}:readiness`,
        componentType: "service",
        componentId: endpoint,
        timeoutMs,
        run: async (signal) => {
          const response = await fetch(new URL(probePath, endpoint), { signal, headers: { accept: "application/health+json" } });
          await response.body?.cancel();
          if (response.status >= 300) throw new Error(`${probePath} answered ${response.status}`);
        },
      }),
    ),
  );
}
