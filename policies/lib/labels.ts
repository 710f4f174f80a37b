/** The labels every labelable resource carries, so costs, alerts and policies can attribute it. */
import { configuredStrings } from "./values";

export const REQUIRED_LABELS = ["team", "tenant", "environment"] as const;

export const requiredLabelsSchema = {
  properties: { requiredLabels: { type: "array" as const, items: { type: "string" as const }, default: [...REQUIRED_LABELS] } },
};

/**
 * The required labels (the policy config's requiredLabels) that are missing or empty in `labels`.
 * A label whose value is unknown during a preview (`unknown`) is not missing: it is checked at up.
 */
export function missingLabels(labels: Readonly<Record<string, string>>, config: Readonly<Record<string, unknown>>, unknown: readonly string[] = []): string[] {
  return configuredStrings(config, "requiredLabels").filter((key) => !labels[key] && !unknown.includes(key));
}
