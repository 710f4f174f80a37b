import { defineConfig } from "vitest/config";

const ignored = ["**/node_modules/**", "**/dist/**"];

export default defineConfig({
  test: {
    env: { KAFKAJS_NO_PARTITIONER_WARNING: "1" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...ignored, "**/*.int.test.ts", "**/*.e2e.test.ts"],
          // Vitest's default is (cores - 1): one worker on a 2-core machine. Two ran this lane in 1m10s.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Tests that talk to real Postgres, Redis and Kafka, started once by the global setup.
        extends: true,
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: ignored,
          globalSetup: ["tools/test-services/global-setup.ts"],
          // Mostly waiting on the servers, so more files than cores at once: 3 workers ran this lane in
          // 2m42s on 2 cores, against 6m21s with Vitest's default of (cores - 1) = 1.
          maxWorkers: 3,
          // Lanes with different worker counts run one after the other (Vitest requires distinct groups).
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The real Pulumi engine against local kube-apiservers (tools/e2e, tools/test-services): heavy,
        // so it runs after the other projects. Each file starts what it needs.
        extends: true,
        test: {
          name: "e2e",
          include: ["**/*.e2e.test.ts"],
          exclude: ignored,
          testTimeout: 900_000,
          hookTimeout: 900_000,
          // Two files at a time: each waits on its own engine and kube-apiservers much of the time
          // (6m07s for the lane on 2 cores, against 9m14s one file at a time).
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
    sequence: { groupOrder: 0 },
  },
});
