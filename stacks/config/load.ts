/** Reads the stack's config from the Pulumi runtime (the CLI, or the offline plan's mock runtime). */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "./problems";
import { type StackConfig, parseStackConfig } from "./parse";

/** Exported by @pulumi/pulumi at runtime, but marked internal in its typings. */
const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };

export function loadStackConfig(): StackConfig {
  const isSecret = runtime.isConfigSecret;
  if (typeof isSecret !== "function") throw new Error("this @pulumi/pulumi version does not expose isConfigSecret");
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    const key = projectKey(fullKey);
    if (key === undefined) continue;
    values[key] = decodeConfigValue(text);
    if (isSecret(fullKey)) secretKeys.add(key);
  }
  return parseStackConfig(pulumi.getStack(), { values, secretKeys });
}

/** `armature:network` (or the older `armature:config:network`) → `network`; other namespaces → undefined. */
function projectKey(fullKey: string): string | undefined {
  const [namespace, ...rest] = fullKey.split(":");
  if (namespace !== CONFIG_NAMESPACE || rest.length === 0) return undefined;
  return rest[0] === "config" && rest.length === 2 ? rest[1] : rest.join(":");
}

/** Pulumi passes structured values as JSON text and scalars as their text form. */
export function decodeConfigValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
