/**
 * Variant assignment for red/black tests, as Unleash clients do it: an override (listed subjects)
 * wins; otherwise the sticky attribute is hashed into 1..totalWeight and the variant whose
 * cumulative weight first reaches that bucket is chosen. The same subject always gets the same
 * variant for the same group and weights, in every SDK instance and after every restart.
 */
import type { Variant } from "../model/definition";
import { type FlagContext, contextValue } from "./context";
import { randomId, variantBucket } from "./hashing";

export interface VariantResult {
  readonly name: string;
  readonly payload?: { readonly type: "string" | "json" | "csv" | "number"; readonly value: string };
}

export interface VariantChoice {
  readonly variant: VariantResult;
  /** SPLIT when hashed, TARGETING_MATCH when an override named the subject. */
  readonly reason: "SPLIT" | "TARGETING_MATCH";
}

export interface VariantSelector {
  select(context: FlagContext): VariantChoice | undefined;
  byName(name: string): VariantResult | undefined;
}

/** The value hashed for `stickiness`: "default" is userId, else sessionId, else remoteAddress. */
function seedOf(context: FlagContext, stickiness: string): string {
  if (stickiness === "default") return context.userId || context.sessionId || context.remoteAddress || randomId();
  return contextValue(context, stickiness) || randomId();
}

/**
 * Undefined when there is nothing to choose from (no variants, or every weight 0). The list's
 * stickiness is its first variant's (else `fallbackStickiness`), as in Unleash.
 */
export function compileVariants(variants: readonly Variant[], groupId: string, fallbackStickiness = "default"): VariantSelector | undefined {
  const totalWeight = variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (variants.length === 0 || totalWeight <= 0) return undefined;
  const stickiness = variants[0]!.stickiness || fallbackStickiness;
  const entries = variants.map((variant) => {
    const result: VariantResult = variant.payload ? { name: variant.name, payload: variant.payload } : { name: variant.name };
    const split: VariantChoice = { variant: result, reason: "SPLIT" };
    const targeted: VariantChoice = { variant: result, reason: "TARGETING_MATCH" };
    return { weight: variant.weight, split, targeted };
  });
  const overrides = variants.flatMap((variant, index) => (variant.overrides ?? []).map((override) => ({ contextName: override.contextName, values: new Set(override.values), choice: entries[index]!.targeted })));
  return {
    byName: (name) => entries.find((entry) => entry.split.variant.name === name)?.split.variant,
    select(context) {
      for (const override of overrides) {
        const value = contextValue(context, override.contextName);
        if (value !== undefined && override.values.has(value)) return override.choice;
      }
      const target = variantBucket(seedOf(context, stickiness), groupId, totalWeight);
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
