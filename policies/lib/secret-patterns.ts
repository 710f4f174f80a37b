/**
 * What a plaintext credential looks like: a value with a well-known credential shape, or a value
 * under a key whose name says it holds one. Messages never repeat the value itself.
 */

/** High-confidence shapes of real credentials, wherever they appear. */
const CREDENTIAL_SHAPES: readonly { readonly label: string; readonly pattern: RegExp }[] = [
  { label: "a PEM private key", pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/ },
  { label: "a service-account key file", pattern: /"private_key"\s*:\s*"-----BEGIN/ },
  { label: "an AWS access key id", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { label: "a GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { label: "a Slack token", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { label: "a webhook URL with its secret path", pattern: /https:\/\/hooks\.slack\.com\/services\/\S+|https:\/\/discord(?:app)?\.com\/api\/webhooks\/\S+/ },
  { label: "a Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { label: "a JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { label: "a URL with a password", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:(?!\$\(|\$\{|\{\{)[^\s/@]+@/i },
];

/**
 * Key names (compared lowercase, without '-' and '_') that hold a credential. Names that refer to
 * one (secretName, secretKeyRef, passwordSecretRef...) do not end like this and are not matched.
 */
const CREDENTIAL_KEY = /(password|passwd|passphrase|apikey|apitoken|accesstoken|authtoken|bearertoken|refreshtoken|privatekey|clientsecret|secretkey|secretaccesskey|sharedsecret|webhooksecret|credentials?|authstring|^token)$/;

/** Values that point at a secret instead of holding one. */
const REFERENCE = /^(\$\(|\$\{|\{\{|projects\/|vault:|sm:\/\/|secret:\/\/)/;

export function credentialShape(value: string): string | undefined {
  return CREDENTIAL_SHAPES.find((shape) => shape.pattern.test(value))?.label;
}

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key.toLowerCase().replace(/[-_.]/g, ""));
}

/** A literal worth flagging under a credential key: not empty, not a reference, not a placeholder. */
export function isLiteralSecretValue(value: string): boolean {
  const trimmed = value.trim();
  return trimmed.length >= 4 && !REFERENCE.test(trimmed);
}
