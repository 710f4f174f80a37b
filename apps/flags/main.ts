/** The flags service's entry point (the container's command). */
import { runService } from "../kit/index";
import { flagsConfigSchema } from "./config";
import { setupFlags } from "./flags-service";

void runService({
  name: "flags",
  description: "Feature flags per environment: targeting, segments, sticky rollouts, red/black variants, lifecycle. SDKs evaluate in-process; changes are pushed through Redis.",
  config: flagsConfigSchema,
  setup: setupFlags,
});
