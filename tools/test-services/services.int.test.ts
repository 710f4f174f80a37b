/** Proves the test services are real servers, not stand-ins. */
import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, kafkaBrokers, redisUrl, uniqueName } from "./fixtures";

describe("test services", () => {
  it("Postgres answers SQL with a real server version, in a database of its own", async () => {
    const database = await createTestDatabase("services");
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; db: string }>("select version() as version, current_database() as db");
      expect(rows[0]?.version).toMatch(/^PostgreSQL \d+\.\d+/);
      expect(rows[0]?.db).toBe(database.name);
      await client.query("create table probe (id int primary key)");
      await client.query("insert into probe values (1), (2)");
      const count = await client.query<{ n: string }>("select count(*) as n from probe");
      expect(count.rows[0]?.n).toBe("2");
    } finally {
      await client.end();
      await database.drop();
    }
  });

  it("Redis reports a real server in INFO and keeps data", async () => {
    const client = new Redis(redisUrl());
    try {
      const info = await client.info("server");
      expect(info).toMatch(/redis_version:\d+\.\d+/);
      const key = uniqueName("probe");
      await client.set(key, "value", "EX", 60);
      expect(await client.get(key)).toBe("value");
    } finally {
      client.disconnect();
    }
  });

  describe("Kafka", () => {
    const kafka = new Kafka({ clientId: "services-test", brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: uniqueName("services-test") });

    afterAll(async () => {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
    });

    it("creates a topic, and a message produced to it is consumed back", async () => {
      const topic = `test.${uniqueName("probe").replace("_", "-")}.v1`;
      await admin.connect();
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })).toBe(true);
      expect(await admin.listTopics()).toContain(topic);

      await producer.connect();
      await producer.send({ topic, messages: [{ key: "k", value: "hello from the test" }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            resolve(message.value?.toString() ?? "");
            return Promise.resolve();
          },
        });
      });
      expect(received).toBe("hello from the test");
    }, 60_000);
  });
});
