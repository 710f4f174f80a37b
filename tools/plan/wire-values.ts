/**
 * Pulumi's wire format marks secrets, unknowns and resource references with signature keys.
 * These helpers turn a registered resource's serialized inputs into values a person or a policy
 * can read, without ever exposing a secret's text in the plan.
 */
import * as pulumi from "@pulumi/pulumi";

export const SECRET_MARK = "[secret]";
export const UNKNOWN_MARK = "[unknown]";

const SIG_KEY = pulumi.runtime.specialSigKey;
const UNKNOWN = pulumi.runtime.unknownValue;

/** Masked view for the plan document: secrets and unknowns replaced by marks. */
export function maskedValue(raw: unknown): unknown {
  return convert(raw, () => SECRET_MARK, UNKNOWN_MARK);
}

/** Resolved view for policies: secrets unwrapped, unknowns as undefined (as in a real preview). */
export function resolvedValue(raw: unknown): unknown {
  return convert(raw, (inner) => resolvedValue(inner), undefined);
}

/** Paths (a.b[0].c) of every secret inside a serialized value. */
export function secretPaths(raw: unknown, prefix = ""): string[] {
  if (Array.isArray(raw)) return raw.flatMap((item, index) => secretPaths(item, `${prefix}[${index}]`));
  if (!isObject(raw)) return [];
  if (raw[SIG_KEY] === pulumi.runtime.specialSecretSig) return [prefix];
  return Object.entries(raw).flatMap(([key, value]) => secretPaths(value, prefix ? `${prefix}.${key}` : key));
}

function convert(raw: unknown, onSecret: (inner: unknown) => unknown, unknown: unknown): unknown {
  if (raw === UNKNOWN) return unknown;
  if (Array.isArray(raw)) return raw.map((item) => convert(item, onSecret, unknown));
  if (!isObject(raw)) return raw;
  switch (raw[SIG_KEY]) {
    case undefined:
      return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, convert(value, onSecret, unknown)]));
    case pulumi.runtime.specialSecretSig:
      return onSecret(raw["value"]);
    case pulumi.runtime.specialResourceSig:
      return raw["urn"];
    case pulumi.runtime.specialAssetSig:
    case pulumi.runtime.specialArchiveSig:
      return { asset: raw["path"] ?? raw["uri"] ?? "[inline]" };
    default:
      return convert(raw["value"], onSecret, unknown);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
