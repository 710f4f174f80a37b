/** The dev command line: what it accepts, and what it says about a bad one. */
import { describe, expect, it } from "vitest";
import { DEFAULT_PORT_BASE, UsageError, parseDevArgs } from "./dev-args";

const refusal = (argv: string[]) => {
  try {
    parseDevArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${argv.join(" ")}`);
};

describe("dev", () => {
  it("starts on the default ports with reload, or as told", () => {
    expect(parseDevArgs([])).toEqual({ command: "up", portBase: DEFAULT_PORT_BASE, watch: true });
    expect(parseDevArgs(["--port-base", "0", "--no-watch"])).toEqual({ command: "up", portBase: 0, watch: false });
    expect(parseDevArgs(["--port-base=5000"])).toEqual({ command: "up", portBase: 5000, watch: true });
  });

  it("refuses unknown flags and bad ports, saying what it expects", () => {
    expect(refusal(["--prot-base", "1"])).toMatch(/Unknown option '--prot-base'[\s\S]*usage:/);
    expect(refusal(["--port-base", "eighty"])).toBe('--port-base: found "eighty"; expected 0 (any free ports) or a port from 1024 to 65532 (the four apps take it and the next three)');
    expect(refusal(["--port-base", "80"])).toMatch(/^--port-base: found "80"/);
    expect(refusal(["--port-base", "65533"])).toMatch(/^--port-base: found "65533"/);
    expect(refusal(["up"])).toMatch(/Unexpected argument 'up'/);
  });
});

describe("dev override", () => {
  it("takes a service, a target and one scope, with a TTL in seconds, minutes or hours", () => {
    expect(parseDevArgs(["override", "billing", "--target", "http://localhost:3000", "--routing-key", "alice"])).toEqual({
      command: "override",
      service: "billing",
      target: "http://localhost:3000",
      scope: { routingKey: "alice" },
      ttlSeconds: 3600,
    });
    expect(parseDevArgs(["override", "billing", "--target", "https://abc.tunnel.example", "--environment", "dev-alice", "--ttl", "15m"])).toMatchObject({ scope: { environment: "dev-alice" }, ttlSeconds: 900 });
    expect(parseDevArgs(["override", "billing", "--target", "http://127.0.0.1:1", "--routing-key", "k", "--ttl", "90"])).toMatchObject({ ttlSeconds: 90 });
    expect(parseDevArgs(["override", "billing", "--target", "http://127.0.0.1:1", "--routing-key", "k", "--ttl", "24h"])).toMatchObject({ ttlSeconds: 86_400 });
  });

  it("refuses a missing or bad service, target, scope or TTL with what to do", () => {
    expect(refusal(["override", "--target", "http://localhost:3000", "--routing-key", "a"])).toMatch(/^override: expected one service name, found none/);
    expect(refusal(["override", "a", "b", "--target", "http://localhost:3000", "--routing-key", "a"])).toMatch(/found a b/);
    expect(refusal(["override", "Billing!", "--target", "http://localhost:3000", "--routing-key", "a"])).toMatch(/found service "Billing!"/);
    expect(refusal(["override", "billing", "--routing-key", "a"])).toMatch(/--target is missing; give where to send billing's traffic/);
    expect(refusal(["override", "billing", "--target", "localhost:3000", "--routing-key", "a"])).toBe('--target: found "localhost:3000"; expected an http:// or https:// URL, e.g. http://localhost:3000');
    expect(refusal(["override", "billing", "--target", "ftp://x", "--routing-key", "a"])).toMatch(/^--target: found "ftp:\/\/x"/);
    expect(refusal(["override", "billing", "--target", "http://localhost:3000"])).toMatch(/give exactly one of --routing-key KEY .* or --environment ENV/);
    expect(refusal(["override", "billing", "--target", "http://localhost:3000", "--routing-key", "a", "--environment", "e"])).toMatch(/exactly one/);
    expect(refusal(["override", "billing", "--target", "http://localhost:3000", "--routing-key", "a b"])).toMatch(/^--routing-key: found "a b"; expected 1-128 characters/);
    for (const ttl of ["0", "25h", "1d", "1.5h", "soon"]) expect(refusal(["override", "billing", "--target", "http://localhost:3000", "--routing-key", "a", "--ttl", ttl])).toMatch(/^--ttl: found .*from 1s to 24h/);
    expect(refusal(["override", "billing", "--target", "http://localhost:3000", "--routing-key", "a", "--tll", "1h"])).toMatch(/Unknown option '--tll'/);
  });
});
