import { describe, expect, it } from "vitest";
import { cidrAddresses, cidrContains, cidrsOverlap, isControlPlaneCidr, isPrivateCidr, parseCidr } from "./cidr";

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`test fixture ${text} is not a CIDR`);
  return parsed;
};

describe("parseCidr", () => {
  it("reads a network address with its prefix", () => {
    expect(parseCidr("10.1.0.0/16")).toMatchObject({ first: 10 * 2 ** 24 + 2 ** 16, prefix: 16 });
  });

  it.each(["10.0.0.1/16", "256.0.0.0/8", "10.0.0.0/33", "10.0.0.0", "fc00::/7", " 10.0.0.0/8"])("refuses %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe("overlap and containment", () => {
  it("tells overlapping, nested and disjoint blocks apart", () => {
    expect(cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.0.255.0/24"))).toBe(true);
    expect(cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.1.0.0/16"))).toBe(false);
    expect(cidrContains(cidr("10.0.0.0/8"), cidr("10.20.0.0/14"))).toBe(true);
    expect(cidrContains(cidr("10.20.0.0/14"), cidr("10.0.0.0/8"))).toBe(false);
  });

  it("lists the addresses of a small block", () => {
    expect(cidrAddresses(cidr("199.36.153.8/30"))).toEqual(["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"]);
    expect(() => cidrAddresses(cidr("10.0.0.0/23"))).toThrow(/at most 256/);
  });
});

describe("isPrivateCidr", () => {
  it.each(["10.0.0.0/8", "172.16.0.0/12", "172.31.255.0/24", "192.168.10.0/24"])("accepts the RFC 1918 block %s", (text) => {
    expect(isPrivateCidr(cidr(text))).toBe(true);
  });

  it.each(["0.0.0.0/0", "8.8.8.0/24", "172.32.0.0/16", "100.64.0.0/10", "192.0.0.0/2"])("refuses %s", (text) => {
    expect(isPrivateCidr(cidr(text))).toBe(false);
  });

  it("accepts RFC 6598 shared address space only when asked (GCP subnets may use it; control-plane sources may not)", () => {
    expect(isPrivateCidr(cidr("100.64.8.0/21"), { allowSharedAddressSpace: true })).toBe(true);
    expect(isPrivateCidr(cidr("100.64.8.0/21"))).toBe(false);
    expect(isPrivateCidr(cidr("100.128.0.0/16"), { allowSharedAddressSpace: true })).toBe(false);
  });
});

describe("isControlPlaneCidr", () => {
  it("accepts exactly a /28, as GKE private control planes need", () => {
    expect(isControlPlaneCidr("172.16.0.16/28")).toBe(true);
    for (const text of ["172.16.0.0/27", "172.16.0.0/29", "172.16.0.1/28", "not a cidr"]) expect(isControlPlaneCidr(text), text).toBe(false);
  });
});
