/** IPv4 CIDR arithmetic for config validation: parse, and detect overlapping ranges. */

export interface Cidr {
  readonly text: string;
  readonly first: number;
  readonly last: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "10.0.0.0/16"; returns undefined for anything that is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  // A host address inside the block (10.0.0.1/16) is almost always a typo for the network address.
  if (address % size !== 0) return undefined;
  return { text, first: address, last: address + size - 1, prefix };
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** Every address of a small block, e.g. 199.36.153.8/30 → .8, .9, .10, .11 (refuses blocks over 256 addresses). */
export function cidrAddresses(cidr: Cidr): string[] {
  const count = cidr.last - cidr.first + 1;
  if (count > 256) throw new Error(`${cidr.text} has ${count} addresses; list at most 256`);
  return Array.from({ length: count }, (_, index) => {
    const address = cidr.first + index;
    return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
  });
}

/** GKE private control planes take exactly a /28 of their own. */
export const CONTROL_PLANE_PREFIX = 28;

export function isControlPlaneCidr(text: string): boolean {
  return parseCidr(text)?.prefix === CONTROL_PLANE_PREFIX;
}

/** The RFC 1918 private IPv4 blocks: the only sources a control plane or internal rule should trust. */
export const RFC1918_RANGES: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((text) => parseCidr(text)!);

/** RFC 6598 shared address space, which GCP also accepts for subnet and secondary ranges. */
export const SHARED_ADDRESS_SPACE: Cidr = parseCidr("100.64.0.0/10")!;

/** True when `cidr` lies inside one of the RFC 1918 blocks (or, when asked, the RFC 6598 block too). */
export function isPrivateCidr(cidr: Cidr, options: { allowSharedAddressSpace?: boolean } = {}): boolean {
  const ranges = options.allowSharedAddressSpace ? [...RFC1918_RANGES, SHARED_ADDRESS_SPACE] : RFC1918_RANGES;
  return ranges.some((range) => cidrContains(range, cidr));
}
