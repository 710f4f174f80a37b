/**
 * Identifiers the gcp stand-in makes up the way Google Cloud shapes them: the project from the
 * provider config (as the real provider's default), a stable project number, private addresses.
 */
import { createHash } from "node:crypto";
import { type Properties, isObject, reveal, text } from "../wire";

/** The provider config value `key`; bridged providers send object-valued config as JSON strings. */
export function configValue(config: Properties, key: string): unknown {
  const value = reveal(config[key]);
  if (typeof value === "string" && /^[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

/** The resource's `project`, else the provider's: what the real provider does. */
export function projectOf(inputs: Properties, config: Properties, type: string): string {
  const project = text(inputs, "project") ?? text(config, "project");
  if (!project) {
    throw new Error(`${type} needs a project: set the gcp:project stack config, a gcp.Provider's project, or the resource's project input`);
  }
  return project;
}

export function regionOf(inputs: Properties, config: Properties): string {
  return text(inputs, "region") ?? text(inputs, "location") ?? text(config, "region") ?? "us-central1";
}

/** A stable 12-digit project number for a project id (the API assigns one at project creation). */
export function projectNumber(project: string): string {
  const digits = BigInt(`0x${createHash("sha256").update(project).digest("hex").slice(0, 15)}`) % 900_000_000_000n;
  return String(100_000_000_000n + digits);
}

/** Bytes derived from a seed (the URN): a re-created resource gets the same address. */
function seeded(seed: string, count: number): number[] {
  return [...createHash("sha256").update(seed).digest().subarray(0, count)];
}

/** A private IPv4 address in 10.<a>.<b>.<c>, c in 2..254. */
export function privateAddress(seed: string, secondOctet?: number): string {
  const [a, b, c] = seeded(seed, 3) as [number, number, number];
  return `10.${secondOctet ?? a}.${b}.${(c % 253) + 2}`;
}

export function numericId(seed: string, digits = 19): string {
  const value = BigInt(`0x${createHash("sha256").update(seed).digest("hex").slice(0, 16)}`).toString(10);
  return `1${value.padStart(digits, "0").slice(-(digits - 1))}`;
}

export function hexId(seed: string, length = 8): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** labels + the provider's defaultLabels, as `effectiveLabels`/`pulumiLabels` report them. */
export function labelOutputs(inputs: Properties, config: Properties): Properties {
  const labels = reveal(inputs["labels"]);
  const defaults = configValue(config, "defaultLabels");
  if (!isObject(labels) && !isObject(defaults)) return {};
  const effective = { ...(isObject(defaults) ? defaults : {}), ...(isObject(labels) ? labels : {}) };
  return { effectiveLabels: effective, pulumiLabels: effective };
}
