/**
 * The query KEDA runs against the worker database, on the real schema (migrations/worker applied as
 * SQL): it counts exactly the runs an agent should be working on now.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import { WORKER_BACKLOG_QUERY } from "./worker-queue-scaling";

const MIGRATION = path.join(__dirname, "../../migrations/worker/0001_runtime/pre.sql");

describe("the worker backlog query KEDA scales on", () => {
  let database: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase("keda_backlog");
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(readFileSync(MIGRATION, "utf8"));
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it("counts runs running, and waiting runs that are due; not future retries nor finished runs", async () => {
    const add = (state: string, runAfter: string, n: number) =>
      client.query(
        `insert into armature_worker.runs (job_id, params, params_key, state, max_attempts, run_after, context, lease_owner, lease_token, lease_expires_at)
         select 'billing.send', jsonb_build_object('n', g, 'state', $1::text), md5(random()::text) || md5(random()::text), $1, 3, now() + $2::interval, '{}'::jsonb,
                case when $1 = 'running' then 'agent-1' end, case when $1 = 'running' then gen_random_uuid() end, case when $1 = 'running' then now() + interval '15 seconds' end
         from generate_series(1, $3::int) g`,
        [state, runAfter, n],
      );
    await add("queued", "-1 second", 5);
    await add("queued", "1 hour", 2); // not due yet
    await add("retrying", "-1 second", 3);
    await add("retrying", "10 minutes", 4); // backing off
    await add("running", "0", 6);
    for (const state of ["succeeded", "dead", "cancelled"]) await add(state, "-1 hour", 7);
    const { rows } = await client.query<{ count: string }>(WORKER_BACKLOG_QUERY);
    expect(Number(rows[0]!.count)).toBe(5 + 3 + 6);
  });
});
