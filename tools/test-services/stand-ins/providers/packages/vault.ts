/**
 * The vault stand-in: accepts every Vault resource (no Vault is reached) and answers with the ids and
 * computed outputs the Vault provider reports: mount accessors, and `path` defaulting to the type for
 * auth backends and audit devices. Like the real provider, it refuses to configure without a token:
 * the `token` setting, VAULT_TOKEN, ~/.vault-token, or an `authLogin*` method ("no vault token
 * found"; the provider looks the token up when it is configured, since v3.16). It cannot tell a
 * valid token from any other string.
 * https://registry.terraform.io/providers/hashicorp/vault/latest/docs
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { Computed, PackageBehaviour, ResourceCall } from "../package-behaviour";
import { type Properties, text } from "../wire";

const accessor = (kind: string) => `${kind}_${randomBytes(4).toString("hex")}`;

const COMPUTE: Record<string, (inputs: Properties, name: string) => Computed> = {
  "vault:index/authBackend:AuthBackend": (inputs) => {
    const type = text(inputs, "type") ?? "";
    const path = text(inputs, "path") ?? type;
    return { id: path, outputs: { path, accessor: accessor(`auth_${type}`) } };
  },
  "vault:index/mount:Mount": (inputs) => {
    const path = text(inputs, "path") ?? "";
    return { id: path, outputs: { accessor: accessor(text(inputs, "type") ?? "mount") } };
  },
  "vault:index/audit:Audit": (inputs) => {
    const path = text(inputs, "path") ?? text(inputs, "type") ?? "";
    return { id: path, outputs: { path } };
  },
  "vault:index/policy:Policy": (inputs, name) => ({ id: text(inputs, "name") ?? name, outputs: {} }),
  "vault:kubernetes/authBackendConfig:AuthBackendConfig": (inputs) => ({ id: `auth/${text(inputs, "backend") ?? "kubernetes"}/config`, outputs: {} }),
  "vault:kubernetes/authBackendRole:AuthBackendRole": (inputs, name) => ({
    id: `auth/${text(inputs, "backend") ?? "kubernetes"}/role/${text(inputs, "roleName") ?? name}`,
    outputs: {},
  }),
};

/** Where the real provider finds a token when its config has none. */
function tokenFromEnvironment(): string | undefined {
  const fromEnv = process.env["VAULT_TOKEN"]?.trim();
  if (fromEnv) return fromEnv;
  const file = path.join(homedir(), ".vault-token");
  return existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined;
}

export const vaultBehaviour: PackageBehaviour = {
  name: "vault",
  configureProblem(config) {
    const loginMethod = Object.keys(config).some((key) => key.startsWith("authLogin"));
    return text(config, "token") || loginMethod || tokenFromEnvironment() ? undefined : "no vault token found";
  },
  compute(call: ResourceCall): Computed {
    const computed = COMPUTE[call.type]?.(call.inputs, call.name) ?? { outputs: {} };
    // An update keeps what Vault assigned at creation (accessors).
    return call.old ? { id: call.old.id, outputs: { ...computed.outputs, ...keep(call.old.outputs, ["accessor"]) } } : computed;
  },
  // The real ForceNew set is in the Terraform provider's schema, which is not here: never replace.
  replaces: () => [],
  functions: {},
};

function keep(outputs: Properties, keys: string[]): Properties {
  return Object.fromEntries(keys.filter((key) => outputs[key] !== undefined).map((key) => [key, outputs[key]!]));
}
