/**
 * The random stand-in: values from node:crypto, honouring the inputs of terraform-provider-random
 * (bridged as @pulumi/random): length, character classes and their minimums, overrideSpecial, byte
 * lengths, ranges. Every input of every random resource forces a replacement upstream, so here too:
 * a changed input never regenerates a value in place.
 * https://registry.terraform.io/providers/hashicorp/random/latest/docs/resources/password
 */
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import type { Computed, PackageBehaviour, ResourceCall } from "../package-behaviour";
import { type Properties, type Wire, bool, num, reveal, secret, strings, text } from "../wire";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const NUMERIC = "0123456789";
/** The provider's default special characters. */
export const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

const PET_ADJECTIVES = ["brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "kind", "lively", "proud", "quick", "witty"];
const PET_NAMES = ["badger", "beetle", "falcon", "gecko", "heron", "koala", "lemur", "otter", "panda", "quokka", "walrus", "yak"];

export interface StringSpec {
  length: number;
  upper?: boolean;
  lower?: boolean;
  numeric?: boolean;
  special?: boolean;
  minUpper?: number;
  minLower?: number;
  minNumeric?: number;
  minSpecial?: number;
  overrideSpecial?: string;
}

/** A random string with at least the minimum of each class, the rest from every enabled class. */
export function randomText(spec: StringSpec): string {
  const special = spec.overrideSpecial ?? DEFAULT_SPECIAL;
  const classes: [boolean, string, number][] = [
    [spec.upper ?? true, UPPER, spec.minUpper ?? 0],
    [spec.lower ?? true, LOWER, spec.minLower ?? 0],
    [spec.numeric ?? true, NUMERIC, spec.minNumeric ?? 0],
    [spec.special ?? true, special, spec.minSpecial ?? 0],
  ];
  if (!Number.isInteger(spec.length) || spec.length < 1) throw new Error(`length must be a positive integer, got ${spec.length}`);
  const enabled = classes.filter(([on, chars]) => on && chars.length > 0);
  const all = enabled.map(([, chars]) => chars).join("");
  if (all.length === 0) throw new Error("every character class is disabled (upper, lower, numeric, special): enable at least one");
  const required = enabled.flatMap(([, chars, min]) => Array.from({ length: min }, () => chars[randomInt(chars.length)]!));
  if (required.length > spec.length) throw new Error(`the minimums add up to ${required.length}, more than length ${spec.length}`);
  const characters = [...required, ...Array.from({ length: spec.length - required.length }, () => all[randomInt(all.length)]!)];
  // Fisher-Yates, so the required characters are not always first.
  for (let index = characters.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [characters[index], characters[other]] = [characters[other]!, characters[index]!];
  }
  return characters.join("");
}

function stringSpec(inputs: Properties): StringSpec {
  const length = num(inputs, "length");
  if (length === undefined) throw new Error("length is required");
  return {
    length,
    upper: bool(inputs, "upper"),
    lower: bool(inputs, "lower"),
    // `number` is the deprecated name of `numeric`.
    numeric: bool(inputs, "numeric") ?? bool(inputs, "number"),
    special: bool(inputs, "special"),
    minUpper: num(inputs, "minUpper"),
    minLower: num(inputs, "minLower"),
    minNumeric: num(inputs, "minNumeric"),
    minSpecial: num(inputs, "minSpecial"),
    overrideSpecial: text(inputs, "overrideSpecial"),
  };
}

/** The defaults the provider records in state next to the result. */
function stringDefaults(spec: StringSpec): Properties {
  const numeric = spec.numeric ?? true;
  return {
    upper: spec.upper ?? true,
    lower: spec.lower ?? true,
    numeric,
    number: numeric,
    special: spec.special ?? true,
    minUpper: spec.minUpper ?? 0,
    minLower: spec.minLower ?? 0,
    minNumeric: spec.minNumeric ?? 0,
    minSpecial: spec.minSpecial ?? 0,
  };
}

function randomId(inputs: Properties): Computed {
  const byteLength = num(inputs, "byteLength");
  if (byteLength === undefined || !Number.isInteger(byteLength) || byteLength < 1) throw new Error(`byteLength must be a positive integer, got ${String(byteLength)}`);
  const prefix = text(inputs, "prefix") ?? "";
  const bytes = randomBytes(byteLength);
  const b64Url = prefix + bytes.toString("base64url");
  return {
    id: b64Url,
    outputs: {
      b64Url,
      b64Std: prefix + bytes.toString("base64"),
      hex: prefix + bytes.toString("hex"),
      dec: prefix + BigInt(`0x${bytes.toString("hex")}`).toString(10),
    },
  };
}

function randomInteger(inputs: Properties): Computed {
  const min = num(inputs, "min");
  const max = num(inputs, "max");
  if (min === undefined || max === undefined || max < min) throw new Error(`min and max are required with min <= max, got ${String(min)} and ${String(max)}`);
  const result = randomInt(min, max + 1);
  return { id: String(result), outputs: { result } };
}

function randomPet(inputs: Properties): Computed {
  const length = num(inputs, "length") ?? 2;
  const separator = text(inputs, "separator") ?? "-";
  const words = Array.from({ length }, (_, index) => (index === length - 1 ? PET_NAMES : PET_ADJECTIVES)[randomInt(12)]!);
  const prefix = text(inputs, "prefix");
  const id = [...(prefix ? [prefix] : []), ...words].join(separator);
  return { id, outputs: { length, separator } };
}

function randomShuffle(inputs: Properties): Computed {
  const items: Wire[] = [...strings(inputs, "inputs")];
  for (let index = items.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  const count = num(inputs, "resultCount") ?? items.length;
  return { id: "-", outputs: { results: items.slice(0, count) } };
}

const COMPUTE: Record<string, (inputs: Properties) => Computed> = {
  "random:index/randomPassword:RandomPassword": (inputs) => {
    const spec = stringSpec(inputs);
    // bcryptHash is not produced: Node has no bcrypt, and nothing here reads it.
    return { id: "none", outputs: { ...stringDefaults(spec), result: secret(randomText(spec)) } };
  },
  "random:index/randomString:RandomString": (inputs) => {
    const spec = stringSpec(inputs);
    const result = randomText(spec);
    return { id: result, outputs: { ...stringDefaults(spec), result } };
  },
  "random:index/randomId:RandomId": randomId,
  "random:index/randomInteger:RandomInteger": randomInteger,
  "random:index/randomUuid:RandomUuid": () => {
    const result = randomUUID();
    return { id: result, outputs: { result } };
  },
  "random:index/randomPet:RandomPet": randomPet,
  "random:index/randomShuffle:RandomShuffle": randomShuffle,
  "random:index/randomBytes:RandomBytes": (inputs) => {
    const bytes = randomBytes(num(inputs, "length") ?? 32);
    return { id: "-", outputs: { base64: secret(bytes.toString("base64")), hex: secret(bytes.toString("hex")) } };
  },
};

export const randomBehaviour: PackageBehaviour = {
  name: "random",
  compute(call: ResourceCall): Computed {
    // An update only happens for changes that force no replacement (none here): keep the values.
    if (call.old) return { id: call.old.id, outputs: {} };
    const compute = COMPUTE[call.type];
    if (!compute) return { outputs: {} };
    return compute(reveal(call.inputs) as Properties);
  },
  replaces: (_type, changedKeys) => [...changedKeys],
  functions: {},
};
