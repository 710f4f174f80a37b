/**
 * Evaluates flags in-process from a local copy of the flag set. The set is compiled once per
 * version for one environment (constraints to predicates, segments resolved, variants weighed, each
 * variant's results built), so an evaluation is a few function calls and allocates nothing; `decide`
 * skips choosing a variant, for callers that only ask whether the flag is on.
 *
 * Order, per flag: always-on → on (STATIC). Off in this environment, or a dependency not met → off
 * (DISABLED). An opt-out matches → off. The first rule that matches (constraints, segments,
 * rollout) → on, with the rule's variants or else the environment's. No rule matched → the stage's
 * default: off-by-default off, on-by-default on (with the environment's variants).
 */
import type { Dependency, FlagDocument, OptOut, Rule, SegmentDocument } from "../model/definition";
import type { LifecycleStage } from "../model/lifecycle";
import { ALWAYS, NEVER, type Predicate, allOf, compileConstraint } from "./constraints";
import { type FlagContext, ResolvedContext, textReader } from "./context";
import { type Evaluation, OUTCOMES } from "./evaluation";
import { randomId, rolloutBuckets } from "./hashing";
import { type VariantResult, type VariantSelector, compileVariants } from "./variants";

export interface CompiledFlag {
  readonly key: string;
  readonly lifecycle: LifecycleStage;
  /** Evaluations of this flag are recorded as exposure events. */
  readonly exposures: boolean;
  readonly dependencies: readonly Dependency[];
  evaluate(context: ResolvedContext): Evaluation;
  /** As evaluate (the same enabled and reason), without choosing a variant: for isEnabled. */
  decide(context: ResolvedContext): Evaluation;
  /**
   * What decide returns for every context, when no attribute can change it (always-on, off here, or
   * a first rule with no constraints, segments or partial rollout, and no dependency or opt-out):
   * callers may answer from it without resolving a context.
   */
  readonly decision?: Evaluation;
  /** One of this flag's variants in this environment, by name (to force it for one invocation). */
  variantNamed(name: string): VariantResult | undefined;
}

interface CompiledRule {
  readonly matches: Predicate;
  readonly outcome: typeof OUTCOMES.split | typeof OUTCOMES.targeted;
  readonly variants?: VariantSelector;
}

export class FlagEvaluator {
  private readonly flags = new Map<string, CompiledFlag>();
  private readonly resolved = new ResolvedContext();

  constructor(
    readonly environment: string,
    documents: Iterable<FlagDocument>,
    segments: Iterable<SegmentDocument>,
  ) {
    const segmentPredicates = new Map<string, Predicate>();
    for (const segment of segments) segmentPredicates.set(segment.key, compileSegment(segment));
    for (const document of documents) this.flags.set(document.key, this.compile(document, segmentPredicates));
  }

  evaluate(key: string, context: FlagContext): Evaluation {
    const flag = this.flags.get(key);
    return flag ? flag.evaluate(this.resolved.fill(context)) : OUTCOMES.notFound;
  }

  flag(key: string): CompiledFlag | undefined {
    return this.flags.get(key);
  }

  keys(): IterableIterator<string> {
    return this.flags.keys();
  }

  private compile(document: FlagDocument, segments: ReadonlyMap<string, Predicate>): CompiledFlag {
    try {
      return compileFlag(document, this.environment, segments, (key) => this.flags.get(key));
    } catch (error) {
      // A malformed document (e.g. from a newer service) breaks only its own flag.
      const broken: Evaluation = { enabled: false, reason: "ERROR", errorCode: "PARSE_ERROR", errorMessage: `flag ${document.key} could not be read: ${(error as Error).message}` };
      return { key: document.key, lifecycle: document.lifecycle, exposures: false, dependencies: [], evaluate: () => broken, decide: () => broken, decision: broken, variantNamed: () => undefined };
    }
  }
}

function compileSegment(segment: SegmentDocument): Predicate {
  try {
    return allOf(segment.constraints.map(compileConstraint));
  } catch {
    return NEVER;
  }
}

/** Constraints and segments together; a segment the set does not hold never matches (as Unleash). */
function compileMatcher(matcher: OptOut | Rule, segments: ReadonlyMap<string, Predicate>): Predicate {
  return allOf([...matcher.constraints.map(compileConstraint), ...matcher.segments.map((key) => segments.get(key) ?? NEVER)]);
}

/** Who is in a percentage rollout: Unleash's flexibleRollout. */
function compileRollout(rule: Rule, flagKey: string): Predicate {
  const rollout = rule.rollout;
  if (!rollout) return ALWAYS;
  const { percentage, stickiness } = rollout;
  const bucketOf = rolloutBuckets(rollout.groupId ?? flagKey);
  if (percentage <= 0) return NEVER;
  if (percentage >= 100 && (stickiness === "default" || stickiness === "random")) return ALWAYS;
  const read = stickiness === "default" ? (context: ResolvedContext) => context.userId || context.source.sessionId || randomId() : stickiness === "random" ? randomId : textReader(stickiness);
  return (context) => {
    const id = read(context);
    return id !== undefined && id !== "" && bucketOf(id) <= percentage;
  };
}

function compileFlag(document: FlagDocument, environment: string, segments: ReadonlyMap<string, Predicate>, lookup: (key: string) => CompiledFlag | undefined): CompiledFlag {
  const { key, lifecycle } = document;
  const dependencies = document.dependencies ?? [];
  const base = { key, lifecycle, exposures: document.exposures === true, dependencies };
  if (lifecycle === "always-on") return { ...base, evaluate: () => OUTCOMES.alwaysOn, decide: () => OUTCOMES.alwaysOn, decision: OUTCOMES.alwaysOn, variantNamed: () => undefined };
  if (lifecycle !== "off-by-default" && lifecycle !== "on-by-default") throw new Error(`unknown lifecycle stage ${String(lifecycle)}`);
  const config = document.environments[environment];
  if (!config?.enabled) return { ...base, evaluate: () => OUTCOMES.disabled, decide: () => OUTCOMES.disabled, decision: OUTCOMES.disabled, variantNamed: () => undefined };

  const optOuts = config.optOut.map((optOut) => compileMatcher(optOut, segments));
  const rules: CompiledRule[] = config.rules.map((rule) => ({
    matches: allOf([compileMatcher(rule, segments), compileRollout(rule, key)]),
    outcome: rule.rollout && rule.rollout.percentage < 100 ? OUTCOMES.split : OUTCOMES.targeted,
    variants: compileVariants(rule.variants ?? [], rule.rollout?.groupId ?? key, rule.rollout?.stickiness),
  }));
  const variants = compileVariants(config.variants, key);
  const onByDefault = lifecycle === "on-by-default";
  const dependenciesMet: Predicate =
    dependencies.length === 0
      ? ALWAYS
      : (context) => {
          for (const dependency of dependencies) if (!dependencyMet(dependency, context, lookup)) return false;
          return true;
        };
  const decision = contextFreeDecision(dependencies, optOuts, rules, onByDefault);

  return {
    ...base,
    ...(decision ? { decision } : {}),
    variantNamed: (name) => variants?.byName(name) ?? rules.map((rule) => rule.variants?.byName(name)).find((found) => found !== undefined),
    evaluate(context) {
      if (!dependenciesMet(context)) return OUTCOMES.disabled;
      for (const optOut of optOuts) if (optOut(context)) return OUTCOMES.optedOut;
      for (const rule of rules) {
        if (!rule.matches(context)) continue;
        const choice = rule.variants?.select(context) ?? variants?.select(context);
        return choice ? choice.evaluations[rule.outcome.reason] : rule.outcome;
      }
      if (!onByDefault) return OUTCOMES.defaultOff;
      const choice = variants?.select(context);
      return choice ? choice.evaluations.DEFAULT : OUTCOMES.defaultOn;
    },
    decide(context) {
      if (!dependenciesMet(context)) return OUTCOMES.disabled;
      for (const optOut of optOuts) if (optOut(context)) return OUTCOMES.optedOut;
      for (const rule of rules) if (rule.matches(context)) return rule.outcome;
      return onByDefault ? OUTCOMES.defaultOn : OUTCOMES.defaultOff;
    },
  };
}

/** decide's answer when it reads no attribute: no dependency or opt-out, and the first rule (if any) matches everyone. */
function contextFreeDecision(dependencies: readonly Dependency[], optOuts: readonly Predicate[], rules: readonly CompiledRule[], onByDefault: boolean): Evaluation | undefined {
  if (dependencies.length > 0 || optOuts.length > 0) return undefined;
  const first = rules[0];
  if (!first) return onByDefault ? OUTCOMES.defaultOn : OUTCOMES.defaultOff;
  return first.matches === ALWAYS ? first.outcome : undefined;
}

/** Unleash's parent check: the parent exists, has no parents itself, and is on (with one of the variants) or off as asked. */
function dependencyMet(dependency: Dependency, context: ResolvedContext, lookup: (key: string) => CompiledFlag | undefined): boolean {
  const parent = lookup(dependency.flag);
  if (!parent || parent.dependencies.length > 0) return false;
  const result = dependency.variants && dependency.variants.length > 0 ? parent.evaluate(context) : parent.decide(context);
  if (dependency.enabled === false) return !result.enabled;
  if (dependency.variants && dependency.variants.length > 0) return result.enabled && dependency.variants.includes(result.variant?.name ?? "disabled");
  return result.enabled;
}
