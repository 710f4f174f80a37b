/** The health service's entry point (the container's command). */
import { runService } from "../kit/index";
import { healthConfigSchema } from "./config";
import { setupHealth } from "./health-service";

void runService({ name: "health", description: "Probes the platform's dependencies and registered services.", config: healthConfigSchema, setup: setupHealth });
