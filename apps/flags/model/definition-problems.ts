/**
 * What the schemas cannot check: that a definition makes sense as a whole and against the other
 * flags and segments. Each problem names its path in the body, so the 400 says exactly where.
 */
import semver from "semver";
import { compileRegex, parseRange } from "../engine/constraints";
import { type Constraint, DATE_TIME_VALUE, type FlagDefinition, LIST_OPERATORS, NUMBER_VALUE, SEMVER_VALUE, type Variant } from "./definition";

export type ProblemCode = "unknown_segment" | "invalid_weights" | "invalid_variants" | "invalid_constraint" | "invalid_dependency";

export interface DefinitionProblem {
  readonly code: ProblemCode;
  readonly path: string;
  readonly message: string;
}

export interface DefinitionScope {
  readonly segments: ReadonlySet<string>;
  /** Every other flag, with the flags it depends on. */
  readonly flags: ReadonlyMap<string, { readonly dependencies: readonly { readonly flag: string }[] }>;
}

const TOTAL_WEIGHT = 1000;

export function constraintProblems(constraints: readonly Constraint[], path: string): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  constraints.forEach((constraint, index) => {
    const at = `${path}.${index}`;
    const problem = (message: string) => problems.push({ code: "invalid_constraint", path: at, message });
    const { operator, value, values } = constraint;
    if (LIST_OPERATORS.has(operator)) {
      if (value !== undefined) problem(`${operator} compares against a list: put the value in "values", not "value"`);
      if (!values || values.length === 0) problem(`${operator} needs at least one entry in "values"`);
    } else {
      if (values !== undefined) problem(`${operator} compares against one value: give "value", not "values"`);
      if (value === undefined) problem(`${operator} needs a "value"`);
    }
    if (constraint.caseInsensitive && !operator.startsWith("STR_") && operator !== "REGEX") problem(`caseInsensitive applies to STR_* and REGEX only, not ${operator}`);
    const badRanges = operator === "IN_CIDR" ? (values ?? []).filter((range) => !parseRange(range.trim())) : [];
    if (badRanges.length > 0) problem(`IN_CIDR needs IP addresses or CIDR ranges such as 10.0.0.0/8; not one: ${badRanges.map((range) => JSON.stringify(range)).join(", ")}`);
    if (value === undefined) return;
    if (operator.startsWith("NUM_") && !NUMBER_VALUE.test(value)) problem(`${operator} needs a decimal number such as 42 or -1.5e3, found ${JSON.stringify(value)}`);
    if (operator.startsWith("DATE_") && !DATE_TIME_VALUE.test(value)) problem(`${operator} needs an ISO 8601 date-time (RFC 3339) such as 2030-01-01T00:00:00Z, found ${JSON.stringify(value)}`);
    if (operator.startsWith("SEMVER_") && !(SEMVER_VALUE.test(value) && semver.valid(value))) problem(`${operator} needs a semantic version such as 1.2.3 (no leading v), found ${JSON.stringify(value)}`);
    if (operator === "REGEX") {
      try {
        compileRegex(value, false);
      } catch (error) {
        problem(`REGEX needs an RE2 regular expression (no look-around or back-references): ${(error as Error).message}`);
      }
    }
  });
  return problems;
}

function variantProblems(variants: readonly Variant[], path: string): DefinitionProblem[] {
  if (variants.length === 0) return [];
  const problems: DefinitionProblem[] = [];
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (total !== TOTAL_WEIGHT) {
    problems.push({ code: "invalid_weights", path, message: `the variants' weights add up to ${total}; they must add up to ${TOTAL_WEIGHT} (per mille: 500 + 500 is a 50/50 split)` });
  }
  const names = variants.map((variant) => variant.name);
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
  if (duplicates.length > 0) problems.push({ code: "invalid_variants", path, message: `variant names must be unique within a list; repeated: ${[...new Set(duplicates)].join(", ")}` });
  const stickiness = new Set(variants.map((variant) => variant.stickiness ?? "default"));
  if (stickiness.size > 1) problems.push({ code: "invalid_variants", path, message: `every variant of a list is sticky on the same attribute; found ${[...stickiness].join(", ")}` });
  variants.forEach((variant, index) => {
    if (variant.payload?.type === "json") {
      try {
        JSON.parse(variant.payload.value);
      } catch {
        problems.push({ code: "invalid_variants", path: `${path}.${index}.payload.value`, message: "a json payload must hold valid JSON" });
      }
    }
    if (variant.payload?.type === "number" && !Number.isFinite(Number(variant.payload.value))) {
      problems.push({ code: "invalid_variants", path: `${path}.${index}.payload.value`, message: "a number payload must hold a number" });
    }
  });
  return problems;
}

function segmentProblems(keys: readonly string[], path: string, scope: DefinitionScope): DefinitionProblem[] {
  return keys.flatMap((key, index) =>
    scope.segments.has(key) ? [] : [{ code: "unknown_segment" as const, path: `${path}.${index}`, message: `there is no segment ${JSON.stringify(key)}: create it first (PUT /v1/segments/${key})` }],
  );
}

export function flagDefinitionProblems(key: string, definition: FlagDefinition, scope: DefinitionScope): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  for (const [name, environment] of Object.entries(definition.environments)) {
    const at = `environments.${name}`;
    environment.rules.forEach((rule, index) => {
      problems.push(...constraintProblems(rule.constraints, `${at}.rules.${index}.constraints`));
      problems.push(...segmentProblems(rule.segments, `${at}.rules.${index}.segments`, scope));
      problems.push(...variantProblems(rule.variants ?? [], `${at}.rules.${index}.variants`));
    });
    environment.optOut.forEach((optOut, index) => {
      problems.push(...constraintProblems(optOut.constraints, `${at}.optOut.${index}.constraints`));
      problems.push(...segmentProblems(optOut.segments, `${at}.optOut.${index}.segments`, scope));
    });
    problems.push(...variantProblems(environment.variants, `${at}.variants`));
  }
  problems.push(...dependencyProblems(key, definition, scope));
  return problems;
}

/** One level only, as Unleash: a parent has no parents, and a flag others depend on has none. */
function dependencyProblems(key: string, definition: FlagDefinition, scope: DefinitionScope): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const seen = new Set<string>();
  definition.dependencies.forEach((dependency, index) => {
    const path = `dependencies.${index}.flag`;
    const problem = (message: string) => problems.push({ code: "invalid_dependency", path, message });
    const parent = scope.flags.get(dependency.flag);
    if (dependency.flag === key) problem("a flag cannot depend on itself");
    else if (!parent) problem(`there is no flag ${JSON.stringify(dependency.flag)} to depend on`);
    else if (parent.dependencies.length > 0) problem(`${dependency.flag} depends on other flags itself; dependencies are one level deep`);
    if (seen.has(dependency.flag)) problem(`${dependency.flag} is listed twice`);
    seen.add(dependency.flag);
  });
  if (definition.dependencies.length > 0) {
    const children = [...scope.flags].filter(([, flag]) => flag.dependencies.some((dependency) => dependency.flag === key)).map(([child]) => child);
    if (children.length > 0) {
      problems.push({ code: "invalid_dependency", path: "dependencies", message: `${children.join(", ")} depend${children.length === 1 ? "s" : ""} on this flag, so it cannot depend on others (one level deep)` });
    }
  }
  return problems;
}
