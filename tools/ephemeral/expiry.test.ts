import { describe, expect, it } from "vitest";
import { decideReaping } from "./expiry";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

describe("which pull-request stacks the reaper removes", () => {
  it("reaps PR stacks idle past the TTL and keeps the rest", () => {
    const decisions = decideReaping(
      [
        { name: "pr-1", lastUpdate: hoursAgo(80) },
        { name: "pr-2", lastUpdate: hoursAgo(10) },
        { name: "acme/armature/pr-3", lastUpdate: hoursAgo(73) },
      ],
      72,
      NOW,
    );
    expect(decisions).toEqual([
      { stack: "pr-1", action: "reap", idleHours: 80 },
      { stack: "pr-2", action: "keep", reason: "idle 10.0 h of 72 h" },
      { stack: "pr-3", action: "reap", idleHours: 73 },
    ]);
  });

  it("never touches stacks that are not pr-<n>, however old", () => {
    const decisions = decideReaping(
      [{ name: "dev", lastUpdate: hoursAgo(1000) }, { name: "prod", lastUpdate: hoursAgo(1000) }, { name: "pr-x", lastUpdate: hoursAgo(1000) }],
      72,
      NOW,
    );
    expect(decisions).toEqual([]);
  });

  it("keeps a stack that is being updated, or whose last update it cannot read", () => {
    const decisions = decideReaping(
      [{ name: "pr-4", updateInProgress: true }, { name: "pr-5" }, { name: "pr-6", lastUpdate: "yesterday-ish" }],
      72,
      NOW,
    );
    expect(decisions.map((decision) => decision.action)).toEqual(["keep", "keep", "keep"]);
    expect(decisions[2]).toMatchObject({ reason: 'unknown last update "yesterday-ish"' });
  });
});
