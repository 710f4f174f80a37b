/**
 * The outcome of evaluating one flag for one context, with OpenFeature's reasons: why the flag is
 * on or off (`reason`), and why this variant (`variantReason`).
 */
import type { VariantResult } from "./variants";

export type Reason = "TARGETING_MATCH" | "SPLIT" | "DEFAULT" | "DISABLED" | "STATIC" | "ERROR";
/** PROVIDER_NOT_READY: the SDK holds no flag set yet. */
export type EvaluationErrorCode = "FLAG_NOT_FOUND" | "PARSE_ERROR" | "PROVIDER_NOT_READY";

export interface Evaluation {
  readonly enabled: boolean;
  /**
   * STATIC: always-on. DISABLED: off in this environment, or a dependency is not met.
   * TARGETING_MATCH: a rule or an opt-out decided. SPLIT: a percentage rollout let the subject in.
   * DEFAULT: no rule matched; the stage's default (off-by-default: off, on-by-default: on).
   * ERROR: see errorCode.
   */
  readonly reason: Reason;
  /** The assigned variant, when the flag is on and has variants. */
  readonly variant?: VariantResult;
  readonly variantReason?: "SPLIT" | "TARGETING_MATCH";
  readonly errorCode?: EvaluationErrorCode;
  readonly errorMessage?: string;
}

/** Shared results for the outcomes that carry no variant: evaluation allocates nothing for them. */
export const OUTCOMES = {
  alwaysOn: { enabled: true, reason: "STATIC" },
  disabled: { enabled: false, reason: "DISABLED" },
  optedOut: { enabled: false, reason: "TARGETING_MATCH" },
  targeted: { enabled: true, reason: "TARGETING_MATCH" },
  split: { enabled: true, reason: "SPLIT" },
  defaultOn: { enabled: true, reason: "DEFAULT" },
  defaultOff: { enabled: false, reason: "DEFAULT" },
  notFound: { enabled: false, reason: "ERROR", errorCode: "FLAG_NOT_FOUND", errorMessage: "no such flag" },
} as const satisfies Record<string, Evaluation>;
