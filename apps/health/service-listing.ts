/** The services the health service probes: every registration in discovery, listed each round. */
import { type KitConfig, type ServiceKit, rethrow } from "../kit/index";
import type { ServiceDocument } from "../discovery/sdk/index";

/** Every registration, through the kit's HTTP client (a plain request each round: the health service keeps no cache to push to). */
export function serviceLister(kit: ServiceKit<KitConfig>, discoveryUrl: string, timeoutMs: number): () => Promise<ServiceDocument[]> {
  const http = kit.http({ name: "discovery", timeoutMs, failureThreshold: 3 });
  return async () => {
    const response = await http.request<{ services: ServiceDocument[] }>(new URL("/v1/services", discoveryUrl), {}, rethrow);
    if (response.status !== 200) throw new Error(`discovery answered ${response.status} listing services`);
    return response.body.services;
  };
}
