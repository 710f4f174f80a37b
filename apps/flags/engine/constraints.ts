/**
 * Constraints compiled to predicates once per flag-set version, so evaluation does no parsing: value
 * lists become Sets, regular expressions (RE2 syntax, as Unleash) and CIDR ranges are built once.
 * Semantics follow the Unleash client specification: a missing attribute fails every operator
 * except NOT_IN, an unknown operator or an unparsable value never matches, `inverted` negates.
 */
import { BlockList, isIP } from "node:net";
import { RE2JS } from "re2js";
import semver from "semver";
import type { Constraint } from "../model/definition";
import { type ResolvedContext, attributeReader, attributeText, textReader } from "./context";

export type Predicate = (context: ResolvedContext) => boolean;

const SEMVER_MEMO_SIZE = 1000;

export const ALWAYS: Predicate = () => true;
export const NEVER: Predicate = () => false;

/** All must hold; specialised for the common short lists (ALWAYS dropped, NEVER decides). */
export function allOf(all: readonly Predicate[]): Predicate {
  const predicates = all.filter((predicate) => predicate !== ALWAYS);
  if (predicates.includes(NEVER)) return NEVER;
  if (predicates.length === 0) return ALWAYS;
  if (predicates.length === 1) return predicates[0]!;
  if (predicates.length === 2) {
    const [first, second] = predicates as [Predicate, Predicate];
    return (context) => first(context) && second(context);
  }
  return (context) => {
    for (const predicate of predicates) if (!predicate(context)) return false;
    return true;
  };
}

export function compileConstraint(constraint: Constraint): Predicate {
  const predicate = compileOperator(constraint);
  return constraint.inverted ? (context) => !predicate(context) : predicate;
}

/** As Unleash: empty entries dropped, the rest trimmed. */
function cleanValues(values: readonly string[] | undefined): string[] {
  return (values ?? []).filter((value) => value !== "").map((value) => value.trim());
}

function compileOperator(constraint: Constraint): Predicate {
  const name = constraint.contextName;
  const operator = constraint.operator as string; // flag sets from newer services may carry operators this SDK does not know
  switch (operator) {
    case "IN":
    case "NOT_IN": {
      const values = new Set(cleanValues(constraint.values));
      const wanted = operator === "IN";
      const read = textReader(name);
      return (context) => {
        const value = read(context);
        return (value !== undefined && values.has(value)) === wanted;
      };
    }
    case "STR_STARTS_WITH":
    case "STR_ENDS_WITH":
    case "STR_CONTAINS":
      return stringOperator(operator, name, cleanValues(constraint.values), constraint.caseInsensitive === true);
    case "NUM_EQ":
    case "NUM_GT":
    case "NUM_GTE":
    case "NUM_LT":
    case "NUM_LTE":
      return numberOperator(operator, name, Number(constraint.value));
    case "DATE_AFTER":
    case "DATE_BEFORE":
      return dateOperator(operator, new Date(constraint.value ?? "").getTime());
    case "SEMVER_EQ":
    case "SEMVER_GT":
    case "SEMVER_GTE":
    case "SEMVER_LT":
    case "SEMVER_LTE":
      return semverOperator(operator, name, constraint.value);
    case "REGEX":
      return regexOperator(name, constraint.value, constraint.caseInsensitive === true);
    case "IN_CIDR":
      return cidrOperator(name, cleanValues(constraint.values));
    default:
      return NEVER;
  }
}

function stringOperator(operator: "STR_STARTS_WITH" | "STR_ENDS_WITH" | "STR_CONTAINS", name: string, rawValues: string[], caseInsensitive: boolean): Predicate {
  const values = caseInsensitive ? rawValues.map((value) => value.toLocaleLowerCase()) : rawValues;
  const test =
    operator === "STR_STARTS_WITH"
      ? (text: string, value: string) => text.startsWith(value)
      : operator === "STR_ENDS_WITH"
        ? (text: string, value: string) => text.endsWith(value)
        : (text: string, value: string) => text.includes(value);
  const read = textReader(name);
  return (context) => {
    const raw = read(context);
    if (raw === undefined) return false;
    const text = caseInsensitive ? raw.toLocaleLowerCase() : raw;
    return values.some((value) => test(text, value));
  };
}

function numberOperator(operator: "NUM_EQ" | "NUM_GT" | "NUM_GTE" | "NUM_LT" | "NUM_LTE", name: string, wanted: number): Predicate {
  if (Number.isNaN(wanted)) return NEVER;
  const compare =
    operator === "NUM_EQ"
      ? (n: number) => n === wanted
      : operator === "NUM_GT"
        ? (n: number) => n > wanted
        : operator === "NUM_GTE"
          ? (n: number) => n >= wanted
          : operator === "NUM_LT"
            ? (n: number) => n < wanted
            : (n: number) => n <= wanted;
  const read = attributeReader(name);
  return (context) => {
    const raw = read(context);
    // A number is its own value: Number(String(n)) === n for every number, so the string is skipped.
    const value = typeof raw === "number" ? raw : Number(attributeText(raw));
    return !Number.isNaN(value) && compare(value);
  };
}

/** As Unleash, date operators compare the context's currentTime (now when absent), whatever the attribute named. */
function dateOperator(operator: "DATE_AFTER" | "DATE_BEFORE", wanted: number): Predicate {
  if (Number.isNaN(wanted)) return NEVER;
  return (context) => {
    const time = context.source.currentTime;
    // As new Date(time).getTime(), without the Date.
    const now = !time ? Date.now() : typeof time === "string" ? Date.parse(time) : time instanceof Date ? time.getTime() : new Date(time).getTime();
    return operator === "DATE_AFTER" ? now > wanted : now < wanted;
  };
}

function semverOperator(operator: "SEMVER_EQ" | "SEMVER_GT" | "SEMVER_GTE" | "SEMVER_LT" | "SEMVER_LTE", name: string, raw: string | undefined): Predicate {
  const wanted = raw === undefined ? null : semver.parse(raw);
  if (!wanted) return NEVER;
  const accept =
    operator === "SEMVER_EQ"
      ? (order: number) => order === 0
      : operator === "SEMVER_GT"
        ? (order: number) => order > 0
        : operator === "SEMVER_GTE"
          ? (order: number) => order >= 0
          : operator === "SEMVER_LT"
            ? (order: number) => order < 0
            : (order: number) => order <= 0;
  const read = textReader(name);
  // Versions repeat (an app has a few live releases): each is parsed and compared once, in a bounded memo.
  const answers = new Map<string, boolean>();
  return (context) => {
    const value = read(context);
    if (!value) return false;
    let answer = answers.get(value);
    if (answer === undefined) {
      // A leading "v" is not a version here (Unleash clients agree).
      const version = value.startsWith("v") ? null : semver.parse(value);
      answer = version !== null && accept(version.compare(wanted));
      if (answers.size >= SEMVER_MEMO_SIZE) answers.clear();
      answers.set(value, answer);
    }
    return answer;
  };
}

/** RE2 syntax (no look-around, no back-references), matching anywhere unless anchored, as Unleash. */
export function compileRegex(pattern: string, caseInsensitive: boolean): RE2JS {
  return RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
}

function regexOperator(name: string, pattern: string | undefined, caseInsensitive: boolean): Predicate {
  let regex: RE2JS;
  try {
    regex = compileRegex(pattern ?? "", caseInsensitive);
  } catch {
    return NEVER;
  }
  const read = textReader(name);
  return (context) => {
    const value = read(context);
    return value !== undefined && regex.matcher(value).find();
  };
}

/** An address or a CIDR range, or undefined when it is neither (such entries are ignored, as Unleash). */
export function parseRange(range: string): { address: string; prefix?: number; family: "ipv4" | "ipv6" } | undefined {
  const [address = "", prefixText, extra] = range.split("/");
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const family = version === 4 ? "ipv4" : "ipv6";
  if (prefixText === undefined) return { address, family };
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  return prefix <= (version === 4 ? 32 : 128) ? { address, prefix, family } : undefined;
}

function cidrOperator(name: string, ranges: string[]): Predicate {
  const blocks = new BlockList();
  let any = false;
  for (const range of ranges) {
    const parsed = parseRange(range);
    if (!parsed) continue;
    if (parsed.prefix === undefined) blocks.addAddress(parsed.address, parsed.family);
    else blocks.addSubnet(parsed.address, parsed.prefix, parsed.family);
    any = true;
  }
  if (!any) return NEVER;
  const read = textReader(name);
  return (context) => {
    const value = read(context);
    const version = value === undefined ? 0 : isIP(value);
    return version !== 0 && blocks.check(value!, version === 4 ? "ipv4" : "ipv6");
  };
}
