/**
 * The benchmark's baseline: a bare Postgres queue with no runtime around it. One table; each of
 * SLOTS loops claims one row with UPDATE ... (SELECT ... FOR UPDATE SKIP LOCKED), runs nothing, and
 * marks it done; idle loops wait for a NOTIFY (or poll every second), like the runtime's agents.
 * Run as a child process by worker-bench.ts: prints "ready" once listening, exits on SIGTERM.
 */
import pg from "pg";

export const BARE_SCHEMA = `
  create table if not exists bench_bare (id bigserial primary key, payload jsonb not null, state text not null default 'queued',
    created_at timestamptz not null default clock_timestamp(), claimed_at timestamptz, finished_at timestamptz);
  create index if not exists bench_bare_queued on bench_bare (id) where state = 'queued';`;
export const BARE_CHANNEL = "bench_bare";

// Named (prepared once per connection), as the runtime's own claim and finish are.
const CLAIM = {
  name: "bare_claim",
  text: `update bench_bare set state = 'running', claimed_at = clock_timestamp()
    where id = (select id from bench_bare where state = 'queued' order by id limit 1 for update skip locked) returning id`,
};
const FINISH = { name: "bare_finish", text: "update bench_bare set state = 'done', finished_at = clock_timestamp() where id = $1" };

async function main(): Promise<void> {
  const url = process.env["DATABASE_URL"]!;
  const slots = Number(process.env["SLOTS"] ?? "8");
  const pool = new pg.Pool({ connectionString: url, max: slots });
  const listener = new pg.Client({ connectionString: url });
  let stopping = false;
  let waiting: Array<() => void> = [];
  const wakeAll = () => {
    const woken = waiting;
    waiting = [];
    woken.forEach((wake) => wake());
  };
  await listener.connect();
  listener.on("notification", wakeAll);
  await listener.query(`LISTEN ${BARE_CHANNEL}`);
  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  const slot = async () => {
    while (!stopping) {
      const { rows } = await pool.query<{ id: string }>(CLAIM);
      if (rows.length === 0) {
        await idle();
        continue;
      }
      await pool.query({ ...FINISH, values: [rows[0]!.id] }); // the no-op job
    }
  };
  const loops = Array.from({ length: slots }, slot);
  process.once("SIGTERM", () => {
    stopping = true;
    wakeAll();
    void Promise.all(loops).then(async () => {
      await listener.end();
      await pool.end();
      process.exit(0);
    });
  });
  process.stdout.write("ready\n");
}

if (require.main === module) void main();
