/**
 * Installs what the test services need and the machine lacks, so `npm test` works on a new machine:
 * redis-server, openssl, Java and Maven from Debian (apt-get, as root), and Apache Kafka's jars from Maven
 * Central into a cache folder. Services given through DATABASE_URL / REDIS_URL / KAFKA_BROKERS are
 * skipped. It also installs schemathesis (PyPI) into a venv for the contract test. Postgres needs nothing
 * here: it comes from the npm package embedded-postgres.
 * With --engine it also builds the real Pulumi engine and Kubernetes control plane the e2e tests run
 * (engine/README.md): long the first time, with progress; a few stats when warm.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureSchemathesis } from "../openapi/schemathesis-install";
import { ensureEngine } from "./engine/ensure-engine";
import { KAFKA_LIB_DIR, KAFKA_VERSION, REDIS_SERVER } from "./requirements";

function log(message: string): void {
  process.stderr.write(`test-services: ${message}\n`);
}

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function runOrFail(command: string, args: readonly string[], what: string): void {
  const result = spawnSync(command, args, { stdio: ["ignore", process.stderr, process.stderr] });
  if (result.status !== 0) throw new Error(`${what} failed (${command} ${args.join(" ")} exited ${result.status ?? result.signal})`);
}

let aptUpdated = false;
function aptInstall(packages: readonly string[]): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${packages.join(", ")}: install them (apt-get install ${packages.join(" ")}) or set the matching *_URL variable`);
  }
  log(`apt-get install ${packages.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => spawnSync("apt-get", ["install", "-y", "--no-install-recommends", ...packages], { stdio: ["ignore", process.stderr, process.stderr], env });
  if (install().status === 0) return;
  if (!aptUpdated) {
    aptUpdated = true;
    runOrFail("apt-get", ["update"], "apt-get update");
    if (install().status === 0) return;
  }
  throw new Error(`apt-get install ${packages.join(" ")} failed`);
}

function ensureRedis(): void {
  if (process.env["REDIS_URL"] || has(REDIS_SERVER)) return;
  aptInstall(["redis-server"]);
}

/** apps/kit/redis-tls.int.test.ts makes its certificates with openssl (without it, it says so and skips). */
function ensureOpenssl(): void {
  if (!has("openssl") && process.getuid?.() === 0) aptInstall(["openssl"]);
}

const KAFKA_POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.armature.test</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version></dependency>
  </dependencies>
</project>
`;

function ensureKafka(): void {
  if (process.env["KAFKA_BROKERS"]) return;
  const missing = [has("java") ? undefined : "openjdk-17-jre-headless", has("mvn") ? undefined : "maven"].filter(
    (name): name is string => name !== undefined,
  );
  if (missing.length > 0) aptInstall(missing);
  if (existsSync(KAFKA_LIB_DIR) && readdirSync(KAFKA_LIB_DIR).some((file) => file.startsWith("kafka_2.13-"))) return;
  const projectDir = path.dirname(KAFKA_LIB_DIR);
  mkdirSync(projectDir, { recursive: true });
  writeFileSync(path.join(projectDir, "pom.xml"), KAFKA_POM);
  log(`fetching Apache Kafka ${KAFKA_VERSION} from Maven Central into ${KAFKA_LIB_DIR}`);
  runOrFail(
    "mvn",
    ["-q", "-B", "-f", path.join(projectDir, "pom.xml"), "dependency:copy-dependencies", `-DoutputDirectory=${KAFKA_LIB_DIR}`, "-DincludeScope=runtime"],
    "fetching Kafka with Maven",
  );
}

async function prepare(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== "--engine");
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(" ")}: the only option is --engine (also build the e2e lane's engine)`);
  ensureRedis();
  ensureOpenssl();
  ensureKafka();
  // The integration lane's contract test runs schemathesis (tools/openapi); install it here, not in a test hook.
  ensureSchemathesis((line) => log(line));
  if (args.includes("--engine")) await ensureEngine();
}

prepare().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
