/** Schedules across 5 agents: every tick fires exactly once; missed ticks collapse; time zones are honoured. */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import { type TestAgent, actorHeaders, eventually, prepareWorkerDatabase, settled, startTestAgent } from "./testing/harness";

const AGENTS = 5;

describe("schedules across 5 agents", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const agents: TestAgent[] = [];

  const putSchedule = (id: string, body: Record<string, unknown>) =>
    agents[0]!.service.app.inject({ method: "PUT", url: `/v1/schedules/${id}`, headers: { "content-type": "application/json", ...actorHeaders("ops") }, payload: JSON.stringify(body) });

  beforeAll(async () => {
    database = await createTestDatabase("worker_schedules");
    pool = await prepareWorkerDatabase(database.url);
    // Every agent polls for due ticks every 20 ms: they all race for each tick.
    agents.push(...(await Promise.all(Array.from({ length: AGENTS }, (_, i) => startTestAgent(database.url, `agent-${i}`, { WORKER_POLL_MS: "20" })))));
  });
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.service.shutdown()));
    await pool?.end();
    await database?.drop();
  });

  it("fires each tick of an every-second schedule once, however many agents poll", async () => {
    const created = await putSchedule("every-second", { jobId: "test.exclusive", cron: "* * * * * *", timezone: "Asia/Kathmandu", params: { key: "tick", ms: 5 } });
    expect(created.statusCode, created.body).toBe(201);
    await eventually("5 ticks", async () => {
      const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from armature_worker.triggers where schedule_id = 'every-second'");
      return rows[0]!.n >= 5 ? true : undefined;
    });
    expect((await putSchedule("every-second", { jobId: "test.exclusive", cron: "* * * * * *", timezone: "Asia/Kathmandu", params: { key: "tick", ms: 5 }, enabled: false })).statusCode).toBe(200);
    await settled(pool);

    const { rows: ticks } = await pool.query<{ tick_at: Date; run_id: string; outcome: string }>(
      "select tick_at, run_id, outcome from armature_worker.triggers where schedule_id = 'every-second' order by tick_at",
    );
    // One trigger per tick, on whole seconds, with no tick skipped or fired twice.
    expect(new Set(ticks.map((t) => t.tick_at.getTime())).size).toBe(ticks.length);
    for (const tick of ticks) expect(tick.tick_at.getMilliseconds()).toBe(0);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.tick_at.getTime() - ticks[i - 1]!.tick_at.getTime()).toBe(1000);
    // Each tick's run executed once (a tick may join the previous tick's run if that had not started).
    const runIds = new Set(ticks.map((t) => t.run_id));
    const { rows: executions } = await pool.query<{ run_id: string; n: number }>("select run_id, count(*)::int as n from test_intervals where job_key = 'tick' group by run_id");
    expect(executions.map((e) => e.run_id).sort()).toEqual([...runIds].sort());
    expect(executions.every((e) => e.n === 1)).toBe(true);
    console.log(`schedule: ${ticks.length} ticks fired by ${AGENTS} agents polling every 20 ms: ${ticks.map((t) => `${t.tick_at.toISOString().slice(17, 19)}s ${t.outcome}`).join(", ")}`);
  });

  it("collapses ticks missed while no agent ran into one, and schedules the next after now", async () => {
    await putSchedule("hourly", { jobId: "test.exclusive", cron: "0 * * * *", params: { key: "missed", ms: 1 } });
    // As if every agent had been down for ten hours.
    await pool.query("update armature_worker.schedules set next_tick_at = now() - interval '10 hours' where id = 'hourly'");
    const fired = await eventually("the overdue tick", async () => {
      const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from armature_worker.triggers where schedule_id = 'hourly'");
      return rows[0]!.n > 0 ? rows[0]!.n : undefined;
    });
    await settled(pool);
    const { rows } = await pool.query<{ n: number; next: Date }>(
      "select (select count(*)::int from armature_worker.triggers where schedule_id = 'hourly') as n, next_tick_at as next from armature_worker.schedules where id = 'hourly'",
    );
    expect(fired).toBe(1);
    expect(rows[0]!.n).toBe(1);
    expect(rows[0]!.next.getTime()).toBeGreaterThan(Date.now());
    expect(rows[0]!.next.getUTCMinutes()).toBe(0);
  });

  it("computes ticks in the schedule's time zone", async () => {
    const response = await putSchedule("paris-2am", { jobId: "test.exclusive", cron: "0 2 * * *", timezone: "Europe/Paris", params: { key: "paris" } });
    expect(response.statusCode).toBe(201);
    const next = new Date(response.json<{ nextTickAt: string }>().nextTickAt);
    const parisHour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" }).format(next));
    expect(parisHour).toBe(2);
    expect([0, 1]).toContain(next.getUTCHours()); // 02:00 Paris is 00:00 or 01:00 UTC, by season
  });
});
