/**
 * How a job is retried: up to maxAttempts attempts in all, waiting an exponentially growing delay
 * between them. The delay uses "equal jitter" (half fixed, half random) so that many runs failing
 * together (a dependency outage) do not retry in lockstep.
 */
import { z } from "zod";

export const retryPolicySchema = z.strictObject({
  /** Attempts in all, the first included; after the last failed one the run is dead (the dead-letter state). */
  maxAttempts: z.number().int().min(1).max(100).default(3),
  /** Delay before the second attempt. */
  initialDelayMs: z.number().int().min(0).max(3_600_000).default(1000),
  /** Each further delay is this many times the previous one... */
  factor: z.number().min(1).max(10).default(2),
  /** ...up to this. */
  maxDelayMs: z.number().int().min(0).max(86_400_000).default(60_000),
});
export type RetryPolicy = z.output<typeof retryPolicySchema>;
export type RetryPolicyInput = z.input<typeof retryPolicySchema>;

/** The delay before the next attempt, after `failedAttempts` failed ones (1 for the first failure). */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, failedAttempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
