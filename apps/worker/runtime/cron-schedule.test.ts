import { describe, expect, it } from "vitest";
import { parseCron } from "./cron-schedule";

function schedule(expression: string, timezone: string) {
  const parsed = parseCron(expression, timezone);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.schedule;
}

describe("cron schedules", () => {
  it("reads the expression in the schedule's time zone, across daylight saving time", () => {
    const paris = schedule("0 2 * * *", "Europe/Paris");
    expect(paris.next(new Date("2025-01-10T12:00:00Z"))?.toISOString()).toBe("2025-01-11T01:00:00.000Z"); // CET, UTC+1
    expect(paris.next(new Date("2025-07-10T12:00:00Z"))?.toISOString()).toBe("2025-07-11T00:00:00.000Z"); // CEST, UTC+2
    const newYork = schedule("30 9 * * 1-5", "America/New_York");
    expect(newYork.next(new Date("2025-03-07T15:00:00Z"))?.toISOString()).toBe("2025-03-10T13:30:00.000Z"); // Friday afternoon -> Monday, after the switch to EDT
  });

  it("fires a tick that falls in the spring-forward gap once, just after the gap, and a repeated hour once", () => {
    const paris = schedule("30 2 * * *", "Europe/Paris");
    // 02:30 does not exist in Paris on 2025-03-30: the tick fires at 03:00 CEST (01:00Z).
    expect(paris.next(new Date("2025-03-29T12:00:00Z"))?.toISOString()).toBe("2025-03-30T01:00:00.000Z");
    // 02:30 happens twice on 2025-10-26: the tick fires once.
    const autumn = paris.next(new Date("2025-10-25T12:00:00Z"))!;
    expect(autumn.toISOString()).toBe("2025-10-26T00:30:00.000Z");
    expect(paris.next(autumn)?.toISOString()).toBe("2025-10-27T01:30:00.000Z");
  });

  it("accepts six fields with seconds first", () => {
    expect(schedule("*/15 * * * * *", "UTC").next(new Date("2025-01-01T00:00:01Z"))?.toISOString()).toBe("2025-01-01T00:00:15.000Z");
  });

  it("explains a bad expression, a bad time zone, and an expression that never fires", () => {
    expect(parseCron("61 * * * *", "UTC")).toMatchObject({ ok: false, field: "cron", problem: expect.stringContaining("Invalid value for minute: 61") });
    expect(parseCron("* * *", "UTC")).toMatchObject({ ok: false, field: "cron", problem: expect.stringContaining("five fields") });
    expect(parseCron("0 0 * * * * 2030", "UTC")).toMatchObject({ ok: false, field: "cron" });
    expect(parseCron("0 2 * * *", "Europe/Pariss")).toMatchObject({ ok: false, field: "timezone", problem: '"Europe/Pariss" is not an IANA time zone (e.g. UTC, Europe/Paris, America/New_York)' });
    expect(parseCron("0 0 31 2 *", "UTC")).toMatchObject({ ok: false, field: "cron", problem: expect.stringContaining("never fires") });
  });
});
