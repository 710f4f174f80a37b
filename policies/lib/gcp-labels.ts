/**
 * The labels a GCP resource ends up with. The Google provider merges its `defaultLabels` into every
 * resource that has labels (they become the resource's effective labels), so a label counts when
 * either the resource or its provider sets it. Cloud SQL is the exception: its `settings.userLabels`
 * do not receive provider defaults.
 */
import type { PolicyProviderResource } from "@pulumi/policy";
import facts from "../generated/resource-facts.json";
import { SQL_INSTANCE } from "../resource-types";
import { record, stringMap } from "./values";

const LABEL_INPUTS: Readonly<Record<string, string>> = facts.gcpLabelInputs;

export function isLabelledGcpType(type: string): boolean {
  return Object.hasOwn(LABEL_INPUTS, type) || type === SQL_INSTANCE;
}

export interface EffectiveLabels {
  readonly labels: Readonly<Record<string, string>>;
  /** The input a fix belongs in, for messages. */
  readonly input: string;
}

export function effectiveGcpLabels(type: string, props: unknown, provider: PolicyProviderResource | undefined): EffectiveLabels {
  if (type === SQL_INSTANCE) {
    return { labels: stringMap(record(record(props)?.["settings"])?.["userLabels"]), input: "settings.userLabels" };
  }
  const input = LABEL_INPUTS[type] ?? "labels";
  const defaults = provider?.type === "pulumi:providers:gcp" ? stringMap(record(provider.props)?.["defaultLabels"]) : {};
  return { labels: { ...defaults, ...stringMap(record(props)?.[input]) }, input };
}
