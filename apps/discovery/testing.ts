/** Test and benchmark helper: a migrated database and a discovery service on it. */
import { createService, type Service } from "../kit/index";
import type { KitConfig } from "../kit/config";
import { discoveryConfigSchema, type DiscoveryConfig } from "./config";
import { setupDiscovery } from "./discovery-service";
import type { DestinationStream } from "pino";
import { testAuthorisationEnv } from "../kit/testing/authorisation-rules";

export function startDiscovery(env: Record<string, string>, logDestination?: DestinationStream): Promise<Service<KitConfig & DiscoveryConfig>> {
  return createService({ name: "discovery", config: discoveryConfigSchema, setup: setupDiscovery, env: { HOST: "127.0.0.1", PORT: "0", ...testAuthorisationEnv(), ...env }, logDestination });
}
