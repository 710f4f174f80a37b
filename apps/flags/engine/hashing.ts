/**
 * Bucketing, exactly as Unleash clients do it: MurmurHash3 (x86, 32 bit) of "<groupId>:<id>",
 * normalised to 1..n. The same library the Node Unleash client uses, so users land in the same
 * bucket as they did under Unleash. A bucket never depends on the percentage, so raising a rollout
 * from 10 % to 20 % keeps everyone who was in.
 */
import { x86 } from "murmurhash3js";

const ROLLOUT_SEED = 0;
const VARIANT_SEED = 86_028_157;

/** 1..100: in a rollout of p % when at most p. */
export function rolloutBucket(id: string, groupId: string): number {
  return (x86.hash32(`${groupId}:${id}`, ROLLOUT_SEED) % 100) + 1;
}

/** 1..totalWeight: picks the variant whose cumulative weight first reaches it. */
export function variantBucket(id: string, groupId: string, totalWeight: number): number {
  return (x86.hash32(`${groupId}:${id}`, VARIANT_SEED) % totalWeight) + 1;
}

/** A fresh random id for "random" stickiness (and when the sticky attribute is missing). */
export function randomId(): string {
  return String(Math.round(Math.random() * 10_000) + 1);
}
