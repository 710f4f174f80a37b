/** The components' copy of the kit's contract (they cannot import the apps) is the kit's own. */
import { describe, expect, it } from "vitest";
import { kitConfigSchema, parseConfig } from "../../apps/kit/config";
import { HEALTH_PATHS } from "../../apps/kit/health/health-routes";
import { KIT_HEALTH_PATHS, KIT_PORT } from "./kit-contract";

describe("the kit contract the components rely on", () => {
  it("names the kit's health paths and default port", () => {
    expect(KIT_HEALTH_PATHS).toEqual({ startup: HEALTH_PATHS.startup, liveness: HEALTH_PATHS.live, readiness: HEALTH_PATHS.ready });
    expect(KIT_PORT).toBe(parseConfig(kitConfigSchema, {}).PORT);
  });
});
