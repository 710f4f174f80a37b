/** What a TypeScript step receives: the step's connection (inside its transaction unless it opted out) and helpers. */
import type pg from "pg";
import { type PartitionChanges, type TimePartitionSpec, manageTimePartitions } from "./time-partitions";

export interface StepContext {
  /** The step's connection; inside the step's transaction unless the step exports `transactional = false`. */
  readonly client: pg.ClientBase;
  /** Runs one query on the step's connection and returns its rows. */
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]>;
  readonly timePartitions: {
    /** Records the table's partition spec for `migrator partitions` and creates its first partitions now. */
    manage(spec: TimePartitionSpec): Promise<PartitionChanges>;
  };
}

export function stepContext(client: pg.ClientBase): StepContext {
  return {
    client,
    query: async <Row extends pg.QueryResultRow>(text: string, values?: unknown[]) => (await client.query<Row>(text, values)).rows,
    timePartitions: { manage: (spec) => manageTimePartitions(client, spec) },
  };
}
