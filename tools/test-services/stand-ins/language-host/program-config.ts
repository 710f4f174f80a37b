/**
 * The stack configuration as the Node.js SDK reads it from PULUMI_CONFIG: upstream rewrites each
 * `<namespace>:<name>` key to the old `<namespace>:config:<name>` form (which the SDK still accepts
 * besides the new one), so older SDKs keep working.
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/nodejs/cmd/pulumi-language-nodejs/main.go (constructConfig)
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/go/common/resource/config/key.go (ParseKey)
 */

export function programConfigJson(config: ReadonlyMap<string, string> | Iterable<[string, string]>): string {
  const transformed: Record<string, string> = {};
  for (const [key, value] of config) {
    const { namespace, name } = parseConfigKey(key);
    transformed[`${namespace}:config:${name}`] = value;
  }
  return JSON.stringify(transformed);
}

export function parseConfigKey(key: string): { namespace: string; name: string } {
  const parts = key.split(":");
  if (parts.length === 2 && parts[0] !== "") return { namespace: parts[0]!, name: parts[1]! };
  if (parts.length === 3 && parts[1] === "config" && parts[0] !== "" && parts[2] !== "") {
    return { namespace: parts[0]!, name: parts[2]! };
  }
  throw new Error(`could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`);
}
