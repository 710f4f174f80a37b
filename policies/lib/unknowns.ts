/**
 * Unknown values during a preview, exactly as the Pulumi CLI presents them to a policy: the engine
 * sends an unknown as a sentinel string and @pulumi/policy wraps the inputs in a proxy that throws
 * `UnknownValueError` when a policy reads one. The plan reproduces this, so a policy behaves the
 * same in `npm run plan` as in `pulumi preview --policy-pack`.
 *
 * The rule every policy follows (README, "Unknown values"): an input that is unknown during a
 * preview never yields a violation. Either the policy reads it with `readKnown` and skips what it
 * cannot decide, or it reads it plainly and the SDK reports "can't run during preview" (advisory).
 * Pulumi runs the pack again during `pulumi up`, when every value is known, and decides there.
 */
import * as policy from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";

/** The engine's "unknown string" sentinel, which the policy SDK's proxy recognises. */
export const UNKNOWN_SENTINEL: string = pulumi.runtime.unknownValue;
/** The engine's "unknown object" sentinel (github.com/pulumi/pulumi-policy, sdk/nodejs/policy/proxy.ts). */
const UNKNOWN_OBJECT_SENTINEL = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";

// @pulumi/policy exports these without type declarations (they are marked internal).
const sdk = policy as unknown as {
  UnknownValueError: new (sentinel: string, path: readonly (string | symbol)[]) => Error;
  unknownCheckingProxy: <T>(value: T) => T;
};

export function isUnknownValueError(error: unknown): error is Error {
  return error instanceof sdk.UnknownValueError;
}

/**
 * The error the SDK turns into the advisory "can't run policy '<name>' ... during preview:
 * <message>". Thrown by a policy that can decide nothing yet; violations it reported before
 * throwing are kept.
 */
export function cannotCheckYet(message: string): Error {
  const error = new sdk.UnknownValueError(UNKNOWN_OBJECT_SENTINEL, []);
  error.message = message;
  return error;
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

/** True when `value` holds an unknown anywhere (a sentinel behind the SDK's proxy, at any depth). */
export function containsUnknown(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  for (const key of Object.keys(value)) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch (error) {
      if (isUnknownValueError(error)) return true;
      throw error;
    }
    if (containsUnknown(item)) return true;
  }
  return false;
}

/**
 * A resource whose every property is unknown: reading any of them throws the SDK's
 * UnknownValueError, so `readKnown` answers "not known" and a plain read gives "can't run during
 * preview". `onRead` learns that a policy needed the resource.
 */
export function whollyUnknown(onRead: () => void): Readonly<Record<string, unknown>> {
  const unknown = (key: string | symbol): never => {
    onRead();
    throw new sdk.UnknownValueError(UNKNOWN_OBJECT_SENTINEL, [key]);
  };
  return new Proxy(Object.freeze({}), {
    // Symbols are how runtimes inspect an object (printing, coercion): never a resource property.
    get: (target, key) => (typeof key === "symbol" ? undefined : unknown(key)),
    has: (target, key) => (typeof key === "symbol" ? false : unknown(key)),
    getOwnPropertyDescriptor: (target, key) => (typeof key === "symbol" ? undefined : unknown(key)),
    // Which properties it has is not known either: a walk over it cannot conclude "nothing there".
    ownKeys: () => unknown(""),
  });
}
