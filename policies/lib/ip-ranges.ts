/** CIDR ranges in firewall rules and authorized networks: world-open, private, or inside a list. */
import { BlockList, isIP } from "node:net";

export interface IpRange {
  readonly address: string;
  readonly prefix: number;
  readonly family: "ipv4" | "ipv6";
}

/** RFC 1918, shared address space (RFC 6598) and IPv6 unique local addresses. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"] as const;

/** "10.0.0.0/8", or a bare address (a /32 or /128); undefined for anything else. */
export function parseRange(text: string): IpRange | undefined {
  const [address = "", prefixText, ...rest] = text.trim().split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const family = version === 4 ? "ipv4" : "ipv6";
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) return undefined;
  return { address, prefix, family };
}

/** 0.0.0.0/0 or ::/0: every address. */
export function isWorld(text: string): boolean {
  return parseRange(text)?.prefix === 0;
}

/** True when the whole of `text` lies inside one of `ranges`. Aligned blocks nest or are disjoint. */
export function isWithin(text: string, ranges: readonly string[]): boolean {
  const inner = parseRange(text);
  if (!inner) return false;
  return ranges.some((rangeText) => {
    const outer = parseRange(rangeText);
    if (!outer || outer.family !== inner.family || inner.prefix < outer.prefix) return false;
    const block = new BlockList();
    block.addSubnet(outer.address, outer.prefix, outer.family);
    return block.check(inner.address, inner.family);
  });
}

export function isPrivate(text: string): boolean {
  return isWithin(text, PRIVATE_RANGES);
}
