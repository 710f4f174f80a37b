/**
 * A throwaway Apache Kafka for tests, unless KAFKA_BROKERS names one: one combined KRaft
 * broker/controller on free loopback ports, from the jars prepare.ts fetched from Maven Central.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { exitReason, spawnServer, stopServer, tailOf } from "./child-process";
import { freePort } from "./free-port";
import { retryOnPortClash } from "./port-clash";
import { KAFKA_LIB_DIR } from "./requirements";
import { type ServiceHandle, externalService } from "./service-handle";
import { waitUntil } from "./wait-until";

const run = promisify(execFile);
const JVM_FLAGS = ["-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"];

export async function startKafka(): Promise<ServiceHandle> {
  const given = process.env["KAFKA_BROKERS"];
  if (given) return externalService("kafka", given);
  return retryOnPortClash("kafka", startOwnKafka);
}

function serverProperties(dataDir: string, brokerPort: number, controllerPort: number): string {
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${dataDir}`,
    "num.partitions=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
    "",
  ].join("\n");
}

const LOG4J2_CONFIG = [
  "rootLogger.level=WARN",
  "rootLogger.appenderRef.stdout.ref=STDOUT",
  "appender.stdout.type=Console",
  "appender.stdout.name=STDOUT",
  "appender.stdout.layout.type=PatternLayout",
  "appender.stdout.layout.pattern=[%d] %p %m (%c)%n",
  "",
].join("\n");

async function describeCluster(brokers: string): Promise<void> {
  const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error("no brokers yet");
  } finally {
    await admin.disconnect();
  }
}

/** A Kafka of a test's own that it can stop and start again (same ports, same data): broker outages for real. */
export interface RestartableKafka extends ServiceHandle {
  /** Stops the broker (SIGTERM, then SIGKILL after 10 s); its data stays. */
  halt(): Promise<void>;
  /** Starts it again on the same ports with the same data, and waits until it serves metadata. */
  resume(): Promise<void>;
}

export async function startRestartableKafka(): Promise<RestartableKafka> {
  return retryOnPortClash("kafka", startOwnKafka);
}

/** One combined KRaft broker/controller in a fresh folder: the shared test Kafka, or a restartable one. */
async function startOwnKafka(): Promise<RestartableKafka> {
  const dir = await mkdtemp(path.join(tmpdir(), "armature-kafka-"));
  const [brokerPort, controllerPort] = [await freePort(), await freePort()];
  const properties = path.join(dir, "server.properties");
  await writeFile(properties, serverProperties(path.join(dir, "data"), brokerPort, controllerPort));
  await writeFile(path.join(dir, "log4j2.properties"), LOG4J2_CONFIG);
  const classpath = ["-cp", path.join(KAFKA_LIB_DIR, "*")];
  const logging = [`-Dlog4j2.configurationFile=${path.join(dir, "log4j2.properties")}`];
  await run("java", [...JVM_FLAGS, ...logging, ...classpath, "kafka.tools.StorageTool", "format", "--standalone", "-t", randomUUID(), "-c", properties]).catch(
    (error: Error & { stderr?: string }) => {
      throw new Error(`formatting Kafka storage failed: ${error.stderr ?? error.message}`);
    },
  );
  const brokers = `127.0.0.1:${brokerPort}`;
  const logFile = path.join(dir, "kafka.log");
  let child: ReturnType<typeof spawnServer> | undefined;
  const resume = async () => {
    const started = spawnServer("java", [...JVM_FLAGS, ...logging, ...classpath, "kafka.Kafka", properties], logFile);
    child = started;
    try {
      await waitUntil("Kafka broker", () => describeCluster(brokers), 60_000, 250, () => exitReason(started));
    } catch (error) {
      await stopServer(started);
      throw new Error(`${(error as Error).message}\n${tailOf(logFile)}`, { cause: error });
    }
  };
  const halt = async () => {
    if (child) await stopServer(child, 10_000);
  };
  await resume();
  return {
    name: "kafka",
    url: brokers,
    owned: true,
    halt,
    resume,
    stop: async () => {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
