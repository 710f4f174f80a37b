/** The discovery service's entry point (the container's command). */
import { runService } from "../kit/index";
import { discoveryConfigSchema } from "./config";
import { setupDiscovery } from "./discovery-service";

void runService({
  name: "discovery",
  description: "Where services live: endpoints, version, settings, health, and developer overrides. Changes are pushed through Redis.",
  config: discoveryConfigSchema,
  setup: setupDiscovery,
});
