import { afterEach, describe, expect, it, vi } from "vitest";
import { vaultBehaviour } from "./packages/vault";
import { StandInProvider } from "./provider-core";
import { secret } from "./wire";

const provider = () => new StandInProvider(vaultBehaviour, () => undefined);

describe("the vault stand-in's Configure", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("refuses, as the real provider does, when no token is set anywhere", () => {
    vi.stubEnv("VAULT_TOKEN", "");
    vi.stubEnv("HOME", "/nonexistent-home-for-this-test");
    expect(() => provider().configure({ address: "https://vault.vault.svc:8200", skipChildToken: "true" })).toThrow(/^no vault token found$/);
  });

  it("accepts a token from the config (secret or not), from VAULT_TOKEN, or a login method", () => {
    vi.stubEnv("HOME", "/nonexistent-home-for-this-test");
    vi.stubEnv("VAULT_TOKEN", "");
    expect(() => provider().configure({ token: secret("hvs.from-config") })).not.toThrow();
    expect(() => provider().configure({ authLoginGcp: { role: "armature-deployer" } })).not.toThrow();
    vi.stubEnv("VAULT_TOKEN", "hvs.from-env");
    expect(() => provider().configure({})).not.toThrow();
  });
});
