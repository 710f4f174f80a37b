/**
 * Cron expressions, time-zone aware (croner): five fields (minute precision) or six (seconds
 * first). Ticks are computed in the schedule's IANA time zone, so "0 2 * * *" in Europe/Paris is
 * 02:00 Paris time in winter and in summer. A tick inside the spring-forward gap fires once just after
 * the gap; a tick in the repeated autumn hour fires once.
 */
import { Cron } from "croner";

export interface CronSchedule {
  readonly expression: string;
  readonly timezone: string;
  /** The first tick strictly after `after`, or undefined when the expression never fires again. */
  next(after: Date): Date | undefined;
}

export type CronParse = { readonly ok: true; readonly schedule: CronSchedule } | { readonly ok: false; readonly field: "cron" | "timezone"; readonly problem: string };

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function parseCron(expression: string, timezone: string): CronParse {
  if (!isTimeZone(timezone)) {
    return { ok: false, field: "timezone", problem: `${JSON.stringify(timezone)} is not an IANA time zone (e.g. UTC, Europe/Paris, America/New_York)` };
  }
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone, paused: true, mode: "5-or-6-parts" });
  } catch (error) {
    const reason = (error as Error).message.replace(/^CronPattern: /, "");
    return {
      ok: false,
      field: "cron",
      problem: `${JSON.stringify(expression)} is not a valid cron expression (${reason}); use five fields "minute hour day month weekday", or six with seconds first, e.g. "0 2 * * *"`,
    };
  }
  const schedule: CronSchedule = { expression, timezone, next: (after) => cron.nextRun(after) ?? undefined };
  if (!schedule.next(new Date())) return { ok: false, field: "cron", problem: `${JSON.stringify(expression)} never fires (e.g. a day that does not exist in that month)` };
  return { ok: true, schedule };
}
