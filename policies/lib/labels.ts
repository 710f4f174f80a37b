/** The labels every labelable resource carries, so costs, alerts and policies can attribute it. */
import { configuredStrings } from "./values";

export const REQUIRED_LABELS = ["team", "tenant", "environment"] as const;

export const requiredLabelsSchema = {
  properties: { requiredLabels: { type: "array" as const, items: { type: "string" as const }, default: [...REQUIRED_LABELS] } },
};

/** The required labels (the policy config's requiredLabels) that are missing or empty in `labels`. */
export function missingLabels(labels: Readonly<Record<string, string>>, config: Readonly<Record<string, unknown>>): string[] {
  return configuredStrings(config, "requiredLabels").filter((key) => !labels[key]);
}
