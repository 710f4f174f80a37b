/**
 * LISTEN for the queue's wake-up notifications (sent with every enqueue and hand-back), so idle
 * agents start new runs within milliseconds instead of at their next poll. Reconnects with backoff;
 * while disconnected, polling still finds every run. TLS as the kit's pool has it (the URL's sslmode
 * and sslrootcert, DATABASE_TLS_SERVER_NAME: apps/kit/postgres-tls.ts), checked when constructed.
 */
import pg from "pg";
import type { Logger } from "pino";
import { type PostgresConnectionConfig, postgresConnectionConfig } from "../../kit/index";
import { WAKE_CHANNEL } from "./run-queue";

export class Wakeups {
  private client: pg.Client | undefined;
  private closed = false;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private readonly connection: PostgresConnectionConfig;

  constructor(
    url: string,
    private readonly logger: Logger,
    private readonly onWake: (jobId: string) => void,
    private readonly connectTimeoutMs: number,
  ) {
    this.connection = postgresConnectionConfig(url);
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ ...this.connection, connectionTimeoutMillis: this.connectTimeoutMs, keepAlive: true });
    this.client = client;
    client.on("notification", (message) => this.onWake(message.payload ?? ""));
    client.on("error", (error) => this.reconnect(client, error));
    client.on("end", () => this.reconnect(client, new Error("connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
      this.failures = 0;
      // Runs may have been enqueued while we were not listening.
      this.onWake("*");
    } catch (error) {
      this.reconnect(client, error as Error);
    }
  }

  private reconnect(client: pg.Client, error: Error): void {
    if (this.closed || client !== this.client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on("error", () => undefined);
    void client.end().catch(() => undefined);
    const delay = Math.min(5000, 100 * 2 ** this.failures++);
    if (this.failures === 1 || this.failures % 10 === 0) this.logger.warn({ err: error, retryInMs: delay }, "lost the wake-up connection to Postgres; polling meanwhile");
    this.retry = setTimeout(() => void this.connect(), delay);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
