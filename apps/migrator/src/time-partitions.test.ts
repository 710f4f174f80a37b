/** Period arithmetic of the time-partition helper (UTC; ISO weeks; months of uneven length). */
import { describe, expect, it } from "vitest";
import { periodStart, shiftPeriod } from "./time-partitions";

const at = (iso: string) => new Date(iso);

describe("time partition periods", () => {
  it("start at UTC midnight, on Mondays, or on the first of the month", () => {
    expect(periodStart(at("2026-03-18T23:59:59Z"), "day").toISOString()).toBe("2026-03-18T00:00:00.000Z");
    expect(periodStart(at("2026-03-22T10:00:00Z"), "week").toISOString()).toBe("2026-03-16T00:00:00.000Z"); // a Sunday
    expect(periodStart(at("2026-03-16T00:00:00Z"), "week").toISOString()).toBe("2026-03-16T00:00:00.000Z"); // a Monday
    expect(periodStart(at("2026-03-31T12:00:00Z"), "month").toISOString()).toBe("2026-03-01T00:00:00.000Z");
  });

  it("shift across month and year ends, both ways", () => {
    expect(shiftPeriod(at("2026-01-01T00:00:00Z"), "month", -1).toISOString()).toBe("2025-12-01T00:00:00.000Z");
    expect(shiftPeriod(at("2026-11-01T00:00:00Z"), "month", 3).toISOString()).toBe("2027-02-01T00:00:00.000Z");
    expect(shiftPeriod(at("2026-02-27T00:00:00Z"), "day", 2).toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(shiftPeriod(at("2026-12-28T00:00:00Z"), "week", 1).toISOString()).toBe("2027-01-04T00:00:00.000Z");
  });
});
