/**
 * The health service learns registrations from discovery's events (discovery.registration.v1)
 * instead of listing them over HTTP each round: an idempotent consumer (apps/kit/events) keeps
 * them in health's own database (migrations/health), and each probe round reads them from there.
 */
import type pg from "pg";
import { type DecodedEvent, type KitConfig, type ServiceKit, discoveryRegistrationTopic, runConsumer } from "../kit/index";
import type { ServiceDocument } from "../discovery/sdk/index";

/** The consumer group and processed_events key. */
export const REGISTRATIONS_CONSUMER = "health-registrations";

export type Registration = Pick<ServiceDocument, "name" | "endpoints">;

/** Applies one registry event to the registrations table (inside the consumer's transaction). */
export async function applyRegistrationEvent(event: DecodedEvent<typeof discoveryRegistrationTopic>, client: pg.PoolClient): Promise<void> {
  switch (event.type) {
    case "service.registered":
    case "service.updated": {
      const { name, endpoints, version, revision } = event.data;
      // An older revision (a replayed range) never overwrites a newer one.
      await client.query(
        `insert into registrations (name, endpoints, version, revision) values ($1, $2::jsonb, $3, $4)
         on conflict (name) do update set endpoints = excluded.endpoints, version = excluded.version, revision = excluded.revision, updated_at = now()
         where registrations.revision < excluded.revision`,
        [name, JSON.stringify(endpoints), version, revision],
      );
      return;
    }
    case "service.deregistered":
      await client.query("delete from registrations where name = $1", [event.data.name]);
      return;
    default:
      return; // health status (health's own reports) and developer overrides do not change what is probed
  }
}

/** Starts consuming; returns the lister each probe round calls. */
export function learnRegistrations(kit: ServiceKit<KitConfig>, pool: pg.Pool, brokers: readonly string[]): () => Promise<Registration[]> {
  runConsumer(kit, { name: REGISTRATIONS_CONSUMER, topic: discoveryRegistrationTopic, pool, brokers, handle: applyRegistrationEvent });
  return async () => (await pool.query<Registration>("select name, endpoints from registrations order by name")).rows;
}
