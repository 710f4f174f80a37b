/**
 * Property values as the engine sends them in a google.protobuf.Struct: plain JSON, plus two
 * encodings the stand-ins must keep intact (sdk/go/common/resource/plugin/rpc.go, MarshalPropertyValue):
 * - an unknown (a value not computed yet, in a preview) is the sentinel string below;
 * - a secret is an object `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value }`.
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/go/common/resource/plugin/rpc.go
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

export type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };
export type Properties = Record<string, Wire>;

export function isObject(value: unknown): value is Record<string, Wire> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isSecret(value: unknown): value is { [SIGNATURE_KEY]: string; value: Wire } {
  return isObject(value) && value[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

export function secret(value: Wire): Wire {
  return { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** The value inside a secret (recursively), so the stand-ins can compute with it. */
export function reveal(value: Wire | undefined): Wire | undefined {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map((item) => reveal(item) ?? null);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reveal(item) ?? null]));
  return value;
}

export function containsUnknown(value: Wire | undefined): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isObject(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** For records and logs: secrets become "[secret]", unknowns "[unknown]". */
export function masked(value: Wire | undefined): Wire | undefined {
  if (isSecret(value)) return "[secret]";
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map((item) => masked(item) ?? null);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, masked(item) ?? null]));
  return value;
}

/** A string input, revealed; undefined when absent, unknown or not a string. */
export function text(properties: Properties, key: string): string | undefined {
  const value = reveal(properties[key]);
  return typeof value === "string" && value !== UNKNOWN ? value : undefined;
}

export function num(properties: Properties, key: string): number | undefined {
  const value = reveal(properties[key]);
  if (typeof value === "number") return value;
  if (typeof value === "string" && value !== UNKNOWN && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

export function bool(properties: Properties, key: string): boolean | undefined {
  const value = reveal(properties[key]);
  return typeof value === "boolean" ? value : undefined;
}

export function strings(properties: Properties, key: string): string[] {
  const value = reveal(properties[key]);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string" && item !== UNKNOWN) : [];
}

/**
 * Deep equality of two values as a provider compares them: secretness is not a change (the engine
 * tracks it itself), and an absent property equals null.
 */
export function sameWire(a: Wire | undefined, b: Wire | undefined): boolean {
  if (isSecret(a)) return sameWire(a.value, b);
  if (isSecret(b)) return sameWire(a, b.value);
  if ((a ?? null) === (b ?? null)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameWire(item, b[index]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameWire(a[key], b[key]));
  }
  return false;
}
