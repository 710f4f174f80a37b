/**
 * Bucketing, exactly as Unleash clients do it: MurmurHash3 (x86, 32 bit) of "<groupId>:<id>",
 * normalised to 1..n. The hash is computed as the murmurhash3js library the Node Unleash client
 * uses computes it (each UTF-16 code unit taken as its low byte), so users land in the same bucket
 * as they did under Unleash; hashing.test.ts compares the two. The group's part of the key is
 * hashed once, when a flag is compiled; an evaluation hashes only the id, and allocates nothing.
 * A bucket never depends on the percentage, so raising a rollout from 10 % to 20 % keeps everyone who was in.
 */
const ROLLOUT_SEED = 0;
const VARIANT_SEED = 86_028_157;
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixKey(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixBlock(h: number, k: number): number {
  h ^= mixKey(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * A function giving MurmurHash3 x86 32-bit of `prefix + text` for any text, as murmurhash3js's
 * x86.hash32(prefix + text, seed): the prefix's whole 4-byte blocks are mixed here, once.
 */
export function prefixedHash(prefix: string, seed: number): (text: string) => number {
  let state = seed;
  let i = 0;
  for (; i + 4 <= prefix.length; i += 4) {
    state = mixBlock(state, (prefix.charCodeAt(i) & 0xff) | ((prefix.charCodeAt(i + 1) & 0xff) << 8) | ((prefix.charCodeAt(i + 2) & 0xff) << 16) | ((prefix.charCodeAt(i + 3) & 0xff) << 24));
  }
  let carry = 0; // the prefix's last 0-3 bytes, the start of the next block
  const carried = prefix.length - i;
  for (let j = 0; j < carried; j++) carry |= (prefix.charCodeAt(i + j) & 0xff) << (j * 8);
  return (text) => {
    let h = state;
    let k = carry;
    let bytes = carried;
    for (let j = 0; j < text.length; j++) {
      k |= (text.charCodeAt(j) & 0xff) << (bytes * 8);
      if (++bytes === 4) {
        h = mixBlock(h, k);
        k = 0;
        bytes = 0;
      }
    }
    if (bytes > 0) h ^= mixKey(k);
    h ^= prefix.length + text.length;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  };
}

/** For a group: id -> 1..100, in a rollout of p % when at most p. */
export function rolloutBuckets(groupId: string): (id: string) => number {
  const hash = prefixedHash(`${groupId}:`, ROLLOUT_SEED);
  return (id) => (hash(id) % 100) + 1;
}

/** For a group: id -> 1..totalWeight; the variant whose cumulative weight first reaches it is picked. */
export function variantBuckets(groupId: string, totalWeight: number): (id: string) => number {
  const hash = prefixedHash(`${groupId}:`, VARIANT_SEED);
  return (id) => (hash(id) % totalWeight) + 1;
}

/** A fresh random id for "random" stickiness (and when the sticky attribute is missing). */
export function randomId(): string {
  return String(Math.round(Math.random() * 10_000) + 1);
}
