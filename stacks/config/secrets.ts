/**
 * Config keys Armature reads as Pulumi secrets. They must be set with
 * `pulumi config set --secret`, so their text never sits in a stack file or a log.
 */
import type { Environment } from "./schema";

export interface SecretKeySpec {
  readonly description: string;
  readonly requiredIn: readonly Environment[];
}

export const SECRET_KEYS = {
  alertWebhookUrl: {
    description: "the webhook (Slack, Google Chat, PagerDuty) that drift detection and health alerts post to",
    requiredIn: ["prod"],
  },
} as const satisfies Record<string, SecretKeySpec>;

export type SecretKey = keyof typeof SECRET_KEYS;

export function isSecretKey(key: string): key is SecretKey {
  return Object.hasOwn(SECRET_KEYS, key);
}

/** Key names that almost certainly hold a credential: their values must never be plain config. */
export const SECRET_LOOKING_KEY = /(password|passwd|secret|token|api[-_]?key|private[-_]?key|credential|auth[-_]?string)/i;

export function setSecretCommand(key: string): string {
  return `pulumi config set --secret armature:${key} <value>`;
}
