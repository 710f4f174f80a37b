/**
 * The Armature program: validate the whole stack config first (a bad value fails before any resource
 * is registered), then compose the platform. `pulumi up` runs it through index.ts; the offline plan
 * calls it under Pulumi's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./config/load";
import { composePlatform } from "./compose";
import { skipKubernetesAwait } from "./kubernetes-await";

export function program(): Record<string, pulumi.Input<unknown>> {
  const config = loadStackConfig();
  if (config.kubernetes?.awaitReadiness === false) pulumi.runtime.registerResourceTransform(skipKubernetesAwait);
  return composePlatform(config);
}
