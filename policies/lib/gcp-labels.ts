/**
 * The labels a GCP resource ends up with. The Google provider merges its `defaultLabels` into every
 * resource that has labels (they become the resource's effective labels), so a label counts when
 * either the resource or its provider sets it. Cloud SQL is the exception: its `settings.userLabels`
 * do not receive provider defaults.
 */
import type { PolicyProviderResource } from "@pulumi/policy";
import facts from "../generated/resource-facts.json";
import { SQL_INSTANCE } from "../resource-types";
import { record, stringMap, unknownKeys } from "./values";

const LABEL_INPUTS: Readonly<Record<string, string>> = facts.gcpLabelInputs;

export function isLabelledGcpType(type: string): boolean {
  return Object.hasOwn(LABEL_INPUTS, type) || type === SQL_INSTANCE;
}

export interface EffectiveLabels {
  readonly labels: Readonly<Record<string, string>>;
  /** Label keys whose value is unknown during a preview. */
  readonly unknown: readonly string[];
  /** The input a fix belongs in, for messages. */
  readonly input: string;
}

export function effectiveGcpLabels(type: string, props: unknown, provider: PolicyProviderResource | undefined): EffectiveLabels {
  if (type === SQL_INSTANCE) {
    const userLabels = record(record(props)?.["settings"])?.["userLabels"];
    return { labels: stringMap(userLabels), unknown: unknownKeys(userLabels), input: "settings.userLabels" };
  }
  const input = LABEL_INPUTS[type] ?? "labels";
  const defaults = provider?.type === "pulumi:providers:gcp" ? record(provider.props)?.["defaultLabels"] : undefined;
  const own = record(props)?.[input];
  return { labels: { ...stringMap(defaults), ...stringMap(own) }, unknown: [...unknownKeys(parsed(defaults)), ...unknownKeys(own)], input };
}

/** Provider inputs travel as JSON text: the map inside it. */
function parsed(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}
