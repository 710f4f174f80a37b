/**
 * Safe readers for resource inputs. Inputs may be absent, unknown during a preview, or of a type
 * the SDK would not allow (a raw provider call, another language's program): a policy must never
 * crash on them, so every list, string and map is read through these.
 */
import type { Unwrap } from "@pulumi/pulumi";
import { isUnknownValueError } from "./unknowns";

/** Resource inputs as a policy sees them: everything may be missing. */
export type Loose<T> = T extends string | number | boolean | null | undefined
  ? T | undefined
  : T extends readonly (infer Item)[]
    ? readonly (Loose<Item> | undefined)[] | undefined
    : T extends object
      ? { readonly [Key in keyof T]?: Loose<T[Key]> } | undefined
      : T | undefined;

export function list<T>(value: readonly T[] | undefined | null): readonly T[];
export function list(value: unknown): readonly unknown[];
export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function isTrue(value: unknown): boolean {
  return value === true;
}

export type Read = { readonly known: true; readonly value: unknown } | { readonly known: false };

/**
 * Reads `key` without failing on a value that is unknown during a preview. Use it where an unknown
 * value cannot change the verdict (a reference to another resource, a walk over every input);
 * plain property access lets the Pulumi engine report "can't run during preview" instead.
 */
export function readKnown(container: unknown, key: string | number): Read {
  if (typeof container !== "object" || container === null) return { known: true, value: undefined };
  try {
    return { known: true, value: (container as Record<string | number, unknown>)[key] };
  } catch (error) {
    if (isUnknownValueError(error)) return { known: false };
    throw error;
  }
}

/** True when `key` is set: present with a known non-empty value, or present but not yet known. */
export function isSet(container: unknown, key: string): boolean {
  if (typeof container !== "object" || container === null || !Object.hasOwn(container, key)) return false;
  const read = readKnown(container, key);
  return !read.known || (read.value !== undefined && read.value !== null && read.value !== "");
}

/** JSON-encoded maps (provider inputs travel as JSON text) or plain maps, as a string map. */
export function stringMap(value: unknown): Readonly<Record<string, string>> {
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return {};
    }
  }
  const map = record(parsed);
  if (!map) return {};
  const result: Record<string, string> = {};
  for (const key of Object.keys(map)) {
    const read = readKnown(map, key);
    if (read.known && typeof read.value === "string") result[key] = read.value;
  }
  return result;
}

/**
 * The keys of a map (plain, or JSON text as in `stringMap`) whose values are unknown during a
 * preview. `stringMap` leaves them out; a rule that asks "is this key set?" counts them as set, so
 * an unknown value never reads as a missing one.
 */
export function unknownKeys(value: unknown): readonly string[] {
  const map = record(value);
  if (!map) return [];
  return Object.keys(map).filter((key) => !readKnown(map, key).known);
}

/** A resource's input args (an SDK `...Args` type) as a policy receives them. */
export type InputsOf<Args> = NonNullable<Loose<Unwrap<Args>>>;

/** Follows `path` with readKnown: absent steps give undefined, an unknown step gives { known: false }. */
export function readPath(container: unknown, path: readonly (string | number)[]): Read {
  let node: unknown = container;
  for (const step of path) {
    const read = readKnown(node, step);
    if (!read.known) return read;
    node = read.value;
  }
  return { known: true, value: node };
}

/** A policy config entry that is a list of strings (ranges, namespaces, label keys). */
export function configuredStrings(config: Readonly<Record<string, unknown>>, key: string): string[] {
  return list(config[key]).flatMap((item) => text(item) ?? []);
}

/** The value at `path`, or undefined when it is absent or unknown. */
export function valueAt(container: unknown, path: readonly (string | number)[]): unknown {
  const read = readPath(container, path);
  return read.known ? read.value : undefined;
}

/** A value for a message, whatever it is: strings as they are, anything else as JSON, never a crash. */
export function shown(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return `a ${typeof value} that cannot be printed`;
  }
}

/** `shown(value)`, or `absent` when the input is not set. */
export function shownOr(value: unknown, absent: string): string {
  return value === undefined || value === null ? absent : shown(value);
}
