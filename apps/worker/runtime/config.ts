/** The worker agent's environment keys (the kit's PORT, LOG_*, SHUTDOWN_TIMEOUT_MS, ... apply too). */
import { z } from "zod";
import { ConfigError, type KitConfig } from "../../kit/index";

export const workerConfigSchema = z.object({
  /** The worker database: the queue, history and schedules (migrations/worker). */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL"),
  /** Names this agent in leases and history; the pod name in Kubernetes. Default: host name and process id. */
  WORKER_AGENT_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, "letters, digits and . _ : - (at most 100)").optional(),
  /** Attempts this agent runs at once. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /** How often an idle agent looks for due runs, schedule ticks and expired leases (notifications wake it sooner). */
  WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** A run's lease: renewed every third of it; a dead agent's runs are retried this long after its last renewal. */
  WORKER_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(15_000),
  /** The end of SHUTDOWN_TIMEOUT_MS kept for aborting jobs still running and handing their runs back. */
  WORKER_HANDBACK_MS: z.coerce.number().int().min(100).max(20_000).default(5000),
});
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** Rules across keys, checked when the agent starts (a ConfigError stops it with exit 1). */
export function checkWorkerConfig(config: KitConfig & WorkerConfig): void {
  if (config.WORKER_HANDBACK_MS >= config.SHUTDOWN_TIMEOUT_MS) {
    throw new ConfigError([
      {
        variable: "WORKER_HANDBACK_MS",
        found: JSON.stringify(String(config.WORKER_HANDBACK_MS)),
        expected: `less than SHUTDOWN_TIMEOUT_MS (${config.SHUTDOWN_TIMEOUT_MS}): running jobs get SHUTDOWN_TIMEOUT_MS - WORKER_HANDBACK_MS to finish`,
      },
    ]);
  }
}
