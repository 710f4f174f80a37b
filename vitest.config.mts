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
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The real Pulumi engine against local kube-apiservers (tools/e2e, tools/test-services): heavy,
        // so it runs after the other projects, one file at a time. Each file starts what it needs.
        extends: true,
        test: {
          name: "e2e",
          include: ["**/*.e2e.test.ts"],
          exclude: ignored,
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
    sequence: { groupOrder: 0 },
  },
});
