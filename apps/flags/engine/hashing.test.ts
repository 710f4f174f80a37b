/** Bucketing must stay bit-identical to murmurhash3js, the library unleash-client hashes with. */
import { x86 } from "murmurhash3js";
import { describe, expect, it } from "vitest";
import { prefixedHash } from "./hashing";

const ALPHABET = ["a", "Z", "0", ":", "-", "é", "ß", "中", "😀", "\u0000", "\uffff"];

/** Deterministic pseudo-random strings of every length 0..40 (so every remainder mod 4), ASCII and beyond. */
function strings(count: number): string[] {
  let state = 42;
  const next = () => (state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0);
  return Array.from({ length: count }, (_, index) => Array.from({ length: index % 41 }, () => ALPHABET[next() % ALPHABET.length]!).join(""));
}

describe("prefixedHash", () => {
  it("equals murmurhash3js's x86.hash32 of the joined key, for every split point, with both seeds Unleash uses", () => {
    let compared = 0;
    for (const text of strings(400)) {
      for (const seed of [0, 86_028_157]) {
        const expected = x86.hash32(text, seed);
        for (let split = 0; split <= text.length; split++) {
          expect(prefixedHash(text.slice(0, split), seed)(text.slice(split))).toBe(expected);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });
});
