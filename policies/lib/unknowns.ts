/**
 * Unknown values during a preview, exactly as the Pulumi CLI presents them to a policy: the engine
 * sends an unknown as a sentinel string and @pulumi/policy wraps the inputs in a proxy that throws
 * `UnknownValueError` when a policy reads one. The plan reproduces this, so a policy behaves the
 * same in `npm run plan` as in `pulumi preview --policy-pack`.
 */
import * as policy from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";

/** The engine's "unknown string" sentinel, which the policy SDK's proxy recognises. */
export const UNKNOWN_SENTINEL: string = pulumi.runtime.unknownValue;

// @pulumi/policy exports these without type declarations (they are marked internal).
const sdk = policy as unknown as {
  UnknownValueError: abstract new (...args: never[]) => Error;
  unknownCheckingProxy: <T>(value: T) => T;
};

export function isUnknownValueError(error: unknown): error is Error {
  return error instanceof sdk.UnknownValueError;
}

/**
 * Turns resolved inputs (unknowns as `undefined`, the plan's convention: Pulumi drops undefined
 * inputs when it serializes them, so a key that is present but undefined was unknown) into what a
 * policy receives from the CLI: sentinels behind the SDK's unknown-checking proxy.
 */
export function asPreviewInputs<T extends object>(resolved: T): T {
  return sdk.unknownCheckingProxy(withSentinels(resolved) as T);
}

function withSentinels(value: unknown): unknown {
  if (value === undefined) return UNKNOWN_SENTINEL;
  if (Array.isArray(value)) return value.map(withSentinels);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withSentinels(item)]));
}
