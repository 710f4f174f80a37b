import { describe, expect, it } from "vitest";
import { DEFAULT_CALLER_TOKEN_HOSTS, isPlatformAddress } from "./caller-token-hosts";

describe("isPlatformAddress", () => {
  it.each([
    ["http://discovery.platform.svc.cluster.local/v1/services", true],
    ["https://flags.platform.armature.internal/v1/flags", true],
    ["http://127.0.0.1:8080/", true],
    ["http://[::1]:8080/", true],
    ["http://api.tenant-acme.svc.cluster.local:8080", false],
    ["http://10.20.1.7:8080", false],
    ["https://platform.svc.cluster.local.evil.example/", false],
    ["https://evilplatform.svc/", false],
    ["not a url", false],
  ])("%s: %s", (url, expected) => {
    expect(isPlatformAddress(url, DEFAULT_CALLER_TOKEN_HOSTS)).toBe(expected);
  });
});
