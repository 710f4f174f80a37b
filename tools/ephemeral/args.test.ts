import { describe, expect, it } from "vitest";
import { UsageError } from "../plan/errors";
import { parseEphemeralArgs } from "./args";

const NOW = new Date("2026-11-23T12:00:00Z");
const parse = (...argv: string[]) => parseEphemeralArgs(argv, () => NOW);

describe("ephemeral command line", () => {
  it("reads create, destroy and reap", () => {
    expect(parse("create", "42", "--config-only")).toEqual({ command: "create", pullRequest: 42, config: [], force: false, configOnly: true, dryRun: false });
    expect(parse("create", "42", "--config", "kubernetes.awaitReadiness=false", "-c", "gcp:project=p-1", "--config", "charts.vault.path=a=b")).toMatchObject({
      config: [
        { key: "kubernetes.awaitReadiness", value: "false" },
        { key: "gcp:project", value: "p-1" },
        { key: "charts.vault.path", value: "a=b" },
      ],
    });
    expect(parse("destroy", "7", "--dry-run")).toEqual({ command: "destroy", pullRequest: 7, dryRun: true });
    expect(parse("reap")).toEqual({ command: "reap", ttlHours: 72, now: NOW, dryRun: false });
    expect(parse("reap", "--ttl-hours", "24", "--now", "2026-01-01T00:00:00Z")).toMatchObject({ ttlHours: 24, now: new Date("2026-01-01T00:00:00Z") });
  });

  it.each([
    [["create"], /expected one pull-request number \(1-9999999\), found nothing/],
    [["create", "0"], /expected one pull-request number .*found 0/],
    [["create", "12", "13"], /found 12 13/],
    [["destroy", "abc"], /found abc/],
    [["deploy", "1"], /unknown command "deploy": expected create, destroy or reap/],
    [[], /missing the command/],
    [["reap", "--ttl-hours", "soon"], /--ttl-hours: found "soon", expected a whole number of hours/],
    [["reap", "--now", "tomorrow"], /--now: found "tomorrow", expected an ISO 8601 time/],
    [["reap", "--bogus"], /Unknown option '--bogus'/],
    [["create", "42", "--config", "awaitReadiness"], /--config: found "awaitReadiness", expected <key\.path>=<value>, for example --config kubernetes\.awaitReadiness=false/],
    [["create", "42", "--config", "kubernetes..x=1"], /--config: found "kubernetes\.\.x=1"/],
    [["destroy", "42", "--config", "a=b"], /--config is for create only/],
  ])("refuses %j", (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(message);
  });
});
