/**
 * What the test services need on the machine, and where the project's own install step puts it.
 * prepare.ts installs what is missing; the starters only read these locations.
 */
import { homedir } from "node:os";
import path from "node:path";

export const REDIS_SERVER = process.env["ARMATURE_REDIS_SERVER"] ?? "redis-server";

/** Apache Kafka from Maven Central, run in KRaft mode with the machine's Java 17. */
export const KAFKA_VERSION = "4.1.1";
export const KAFKA_LIB_DIR = path.join(
  process.env["ARMATURE_CACHE_DIR"] ?? path.join(homedir(), ".cache", "armature"),
  `kafka-${KAFKA_VERSION}`,
  "libs",
);
