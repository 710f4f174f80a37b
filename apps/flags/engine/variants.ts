/**
 * Variant assignment for red/black tests, as Unleash clients do it: an override (listed subjects)
 * wins; otherwise the sticky attribute is hashed into 1..totalWeight and the variant whose
 * cumulative weight first reaches that bucket is chosen. The same subject always gets the same
 * variant for the same group and weights, in every SDK instance and after every restart.
 */
import type { Variant } from "../model/definition";
import type { Evaluation } from "./evaluation";
import { type ResolvedContext, textReader } from "./context";
import { randomId, variantBuckets } from "./hashing";

export interface VariantResult {
  readonly name: string;
  readonly payload?: { readonly type: "string" | "json" | "csv" | "number"; readonly value: string };
}

export interface VariantChoice {
  readonly variant: VariantResult;
  /** SPLIT when hashed, TARGETING_MATCH when an override named the subject. */
  readonly reason: "SPLIT" | "TARGETING_MATCH";
  /** The flag's on-evaluation with this choice, for each reason it can be on for: built once, so assigning a variant allocates nothing. */
  readonly evaluations: { readonly [reason in OnReason]: Evaluation };
}

type OnReason = "TARGETING_MATCH" | "SPLIT" | "DEFAULT";

function choice(variant: VariantResult, reason: VariantChoice["reason"]): VariantChoice {
  const on = (outcome: OnReason): Evaluation => ({ enabled: true, reason: outcome, variant, variantReason: reason });
  return { variant, reason, evaluations: { TARGETING_MATCH: on("TARGETING_MATCH"), SPLIT: on("SPLIT"), DEFAULT: on("DEFAULT") } };
}

export interface VariantSelector {
  select(context: ResolvedContext): VariantChoice | undefined;
  byName(name: string): VariantResult | undefined;
}

/** Reads the value hashed for `stickiness`: "default" is userId, else sessionId, else remoteAddress. */
function seedReader(stickiness: string): (context: ResolvedContext) => string {
  if (stickiness === "default") return (context) => context.userId || context.source.sessionId || context.source.remoteAddress || randomId();
  const read = textReader(stickiness);
  return (context) => read(context) || randomId();
}

/**
 * Undefined when there is nothing to choose from (no variants, or every weight 0). The list's
 * stickiness is its first variant's (else `fallbackStickiness`), as in Unleash.
 */
export function compileVariants(variants: readonly Variant[], groupId: string, fallbackStickiness = "default"): VariantSelector | undefined {
  const totalWeight = variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (variants.length === 0 || totalWeight <= 0) return undefined;
  const seedOf = seedReader(variants[0]!.stickiness || fallbackStickiness);
  const bucketOf = variantBuckets(groupId, totalWeight);
  const entries = variants.map((variant) => {
    const result: VariantResult = variant.payload ? { name: variant.name, payload: variant.payload } : { name: variant.name };
    return { weight: variant.weight, split: choice(result, "SPLIT"), targeted: choice(result, "TARGETING_MATCH") };
  });
  const overrides = variants.flatMap((variant, index) => (variant.overrides ?? []).map((override) => ({ read: textReader(override.contextName), values: new Set(override.values), choice: entries[index]!.targeted })));
  return {
    byName: (name) => entries.find((entry) => entry.split.variant.name === name)?.split.variant,
    select(context) {
      for (const override of overrides) {
        const value = override.read(context);
        if (value !== undefined && override.values.has(value)) return override.choice;
      }
      const target = bucketOf(seedOf(context));
      let cumulative = 0;
      for (const entry of entries) {
        if (entry.weight === 0) continue;
        cumulative += entry.weight;
        if (cumulative >= target) return entry.split;
      }
      return undefined;
    },
  };
}
