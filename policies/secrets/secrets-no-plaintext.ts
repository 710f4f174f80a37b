/**
 * Credentials live in secret-bearing inputs only: Secret Manager versions, Kubernetes Secrets,
 * database user passwords, the inputs each SDK always wraps as Pulumi secrets (generated list).
 * Anywhere else (container env values, ConfigMaps, labels, annotations, Helm values, metadata) a
 * credential is readable by anyone who can read the resource, Pulumi secret or not.
 */
import facts from "../generated/resource-facts.json";
import { credentialShape, isCredentialKey, isLiteralSecretValue } from "../lib/secret-patterns";
import { readKnown, record } from "../lib/values";
import { resourcePolicy } from "../policy";
import { polaris } from "../sources";

const SECRET_INPUTS: Readonly<Record<string, readonly string[]>> = facts.secretInputs;

export const secretsNoPlaintext = resourcePolicy({
  name: "secrets-no-plaintext",
  description: "No secret-looking value appears outside secret-bearing inputs.",
  severity: "critical",
  remediationSteps:
    "Put the value in a Secret Manager secret or a Kubernetes Secret (from a Pulumi secret or Vault) and reference it (env valueFrom.secretKeyRef, a mounted volume).",
  framework: polaris("sensitiveContainerEnvVar, sensitiveConfigmapContent", "The container sets potentially sensitive environment variables; potentially sensitive content is detected in the ConfigMap keys or values"),
  tags: ["secrets"],
  appliesTo: () => true,
  validate: (props, args, report) => {
    const exempt = SECRET_INPUTS[args.type] ?? [];
    for (const key of Object.keys(props)) {
      if (!exempt.includes(key)) walk(readKnown(props, key), key, key, report);
    }
  },
});

type Read = ReturnType<typeof readKnown>;

/** Visits every known string; `key` is the name the value is stored under. */
function walk(read: Read, path: string, key: string, report: (message: string) => void): void {
  if (!read.known) return;
  const { value } = read;
  if (typeof value === "string") {
    const shape = credentialShape(value);
    if (shape) report(`${path} holds ${shape}.`);
    else if (isCredentialKey(key) && isLiteralSecretValue(value)) report(`${path} (${key}) holds a plaintext value under a credential name.`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((_item, index) => walk(readKnown(value, index), `${path}[${index}]`, key, report));
    return;
  }
  const object = record(value);
  if (!object) return;
  // Kubernetes env entries and similar pairs: { name: "DB_PASSWORD", value: "..." }.
  const pairName = readKnown(object, "name");
  for (const child of Object.keys(object)) {
    const childKey = child === "value" && pairName.known && typeof pairName.value === "string" ? pairName.value : child;
    walk(readKnown(object, child), `${path}.${child}`, childKey, report);
  }
}
