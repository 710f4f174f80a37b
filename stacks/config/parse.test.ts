import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { readStackConfig } from "../../tools/plan/stack-file";
import { healthScalingOf } from "./health-scaling";
import { decodeConfigValue } from "./load";
import { type RawStackConfig, type StackConfig, parseStackConfig } from "./parse";
import { ConfigError, formatProblem } from "./problems";

const ROOT = path.resolve(__dirname, "../..");

/** The checked-in dev stack's config, decoded as the Pulumi runtime hands it to the program. */
function devValues(): Record<string, unknown> {
  const source = readStackConfig(ROOT, "dev");
  return Object.fromEntries(
    Object.entries(source.config).map(([key, text]) => [key.replace(/^armature:/, ""), decodeConfigValue(text)]),
  );
}

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests edit free-form config

function parseWith(edit: (values: Values) => void, options: { stack?: string; secretKeys?: string[] } = {}): StackConfig {
  const values = structuredClone(devValues());
  edit(values);
  const raw: RawStackConfig = { values, secretKeys: new Set(options.secretKeys ?? []) };
  return parseStackConfig(options.stack ?? "dev", raw);
}

function problemsOf(edit: (values: Values) => void, options?: { stack?: string; secretKeys?: string[] }): string[] {
  try {
    parseWith(edit, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

function asProd(values: Values): void {
  values["environment"] = "prod";
  values["deletionProtection"] = true;
  values["alertWebhookUrl"] = "https://hooks.example.com/T000/B000";
}

describe("stack config: the dev stack", () => {
  it("parses into typed config with defaults applied", () => {
    const config = parseWith(() => {});
    expect(config.environment).toBe("dev");
    expect(config.tenants.map((tenant) => tenant.id)).toEqual(["acme", "globex"]);
    expect(config.clusters.services.releaseChannel).toBe("REGULAR");
    expect(config.kafka.topics.every((topic) => topic.replication === 3)).toBe(true);
    expect(config.secrets).toEqual({});
  });

  it("reads a declared secret as a secret output, never as plain text", async () => {
    const config = parseWith((values) => (values["alertWebhookUrl"] = "https://hooks.example.com/x"), { secretKeys: ["alertWebhookUrl"] });
    expect(config.secrets.alertWebhookUrl).toBeDefined();
    expect(await pulumi.isSecret(config.secrets.alertWebhookUrl!)).toBe(true);
  });
});

describe("stack config: bad values are rejected naming the key path, the value and the expectation", () => {
  const cases: { name: string; edit: (values: Values) => void; stack?: string; secretKeys?: string[]; expected: RegExp }[] = [
    {
      name: "overlapping CIDR ranges",
      edit: (v) => (v["network"].pods = "10.10.0.0/16"),
      expected: /^armature:network\.pods: found "10\.10\.0\.0\/16", expected a range that does not overlap armature:network\.nodes \(10\.10\.0\.0\/20\)$/,
    },
    {
      name: "a malformed CIDR",
      edit: (v) => (v["network"].services = "10.20.0.0/33"),
      expected: /^armature:network\.services: found "10\.20\.0\.0\/33", expected an IPv4 CIDR block/,
    },
    {
      name: "an unknown tenant tier",
      edit: (v) => (v["tenants"][1].tier = "platinum"),
      expected: /^armature:tenants\[1\]\.tier: found "platinum", expected one of "starter", "standard", "premium"$/,
    },
    {
      name: "a duplicate tenant id",
      edit: (v) => (v["tenants"][1].id = "acme"),
      expected: /^armature:tenants\[1\]\.id: found "acme", expected a tenant id not already used by armature:tenants\[0\]$/,
    },
    {
      name: "a prod stack with deletion protection off",
      edit: (v) => {
        asProd(v);
        v["deletionProtection"] = false;
      },
      stack: "prod",
      secretKeys: ["alertWebhookUrl"],
      expected: /^armature:deletionProtection: found false, expected true in prod/,
    },
    {
      name: "a missing secret that prod requires",
      edit: (v) => {
        asProd(v);
        delete v["alertWebhookUrl"];
      },
      stack: "prod",
      expected: /^armature:alertWebhookUrl: found nothing \(the key is missing\), expected a secret .*pulumi config set --secret armature:alertWebhookUrl/,
    },
    {
      name: "a secret key set in plain text (its value is not echoed)",
      edit: (v) => (v["alertWebhookUrl"] = "https://hooks.example.com/leak"),
      expected: /^armature:alertWebhookUrl: found a plain-text value \(not shown\), expected a secret/,
    },
    {
      name: "a credential-looking key in plain config (its value is not echoed)",
      edit: (v) => (v["postgres"].adminPassword = "hunter2"),
      expected: /^armature:postgres\.adminPassword: found a plain-text value that looks like a credential \(not shown\)/,
    },
    {
      name: "a misspelt top-level key",
      edit: (v) => {
        v["netwrok"] = v["network"];
      },
      expected: /^armature:netwrok: found an unknown key, expected one of .*network.* \(did you mean "network"\?\)$/,
    },
    {
      name: "an unknown nested key",
      edit: (v) => (v["redis"].tlsMode = "off"),
      expected: /^armature:redis\.tlsMode: found an unknown key, expected one of tier, memorySizeGb, version$/,
    },
    {
      name: "a missing required key",
      edit: (v) => delete v["gcp"],
      expected: /^armature:gcp: found nothing \(the key is missing\), expected a value of type object$/,
    },
    {
      name: "a value of the wrong type",
      edit: (v) => (v["redis"].memorySizeGb = "two"),
      expected: /^armature:redis\.memorySizeGb: found "two", expected a whole number from 1 to 300$/,
    },
    {
      name: "a node pool whose minimum exceeds its maximum",
      edit: (v) => (v["clusters"].services.spotPool.minNodesPerZone = 9),
      expected: /^armature:clusters\.services\.spotPool\.minNodesPerZone: found 9, expected at most maxNodesPerZone \(5\)$/,
    },
    {
      name: "an unpinned image",
      edit: (v) => (v["apps"].releases.green.flags = "latest"),
      expected: /^armature:apps\.releases\.green\.flags: found "latest", expected a pinned image tag/,
    },
    {
      name: "an active colour that is not blue or green",
      edit: (v) => (v["apps"].activeColour = "red"),
      expected: /^armature:apps\.activeColour: found "red", expected one of "blue", "green"$/,
    },
    {
      name: "a contract state that is not pending, applied or undone",
      edit: (v) => (v["apps"].contract = "done"),
      expected: /^armature:apps\.contract: found "done", expected one of "pending", "applied", "undone"$/,
    },
    {
      name: "a gateway domain that is not a DNS name",
      edit: (v) => (v["apps"].gatewayDomain = "Platform.Internal."),
      expected: /^armature:apps\.gatewayDomain: found "Platform\.Internal\.", expected a lowercase DNS name of two or more labels such as platform\.example\.internal \(no trailing dot\)$/,
    },
    {
      name: "a Kafka topic name outside <domain>.<entity>.v<N>",
      edit: (v) => (v["kafka"].topics[0].name = "ServiceChanges"),
      expected: /^armature:kafka\.topics\[0\]\.name: found "ServiceChanges", expected a topic name <domain>\.<entity>\.v<N>/,
    },
    {
      name: "a prod Kafka topic with replication 1",
      edit: (v) => {
        asProd(v);
        v["kafka"].topics[0].replication = 1;
      },
      stack: "prod",
      secretKeys: ["alertWebhookUrl"],
      expected: /^armature:kafka\.topics\[0\]\.replication: found 1, expected 3 or more in prod/,
    },
    {
      name: "a Kafka topic whose producer is not a platform app",
      edit: (v) => (v["kafka"].topics[0].producers = ["billing"]),
      expected: /^armature:kafka\.topics\[0\]\.producers\[0\]: found "billing", expected one of "discovery", "flags", "health", "migrator", "worker"$/,
    },
    {
      name: "warm worker spot nodes",
      edit: (v) => (v["clusters"].workers.spotPool.minNodesPerZone = 1),
      expected: /^armature:clusters\.workers\.spotPool\.minNodesPerZone: found 1, expected 0 \(worker capacity scales from zero/,
    },
    {
      name: "a duplicate organisation branch inside a tenant",
      edit: (v) => (v["tenants"][0].branches[0].children[1].id = "eu"),
      expected: /^armature:tenants\[0\]\.branches\[0\]\.children\[1\]\.id: found "eu", expected a branch id unique within tenant acme$/,
    },
    {
      name: "a tenant id that is a platform topic domain (its prefix ACL would cover platform topics)",
      edit: (v) => (v["tenants"][1].id = "flags"),
      expected: /^armature:tenants\[1\]\.id: found "flags", expected a tenant id other than "flags", which is the domain of platform Kafka topics/,
    },
    {
      name: "a tenant named like the shared platform",
      edit: (v) => (v["tenants"][0].id = "platform"),
      expected: /^armature:tenants\[0\]\.id: found "platform", expected a tenant id other than "platform", which is the label value of shared platform resources$/,
    },
    {
      name: "a Vault API address that is not https",
      edit: (v) => (v["vault"].apiAddress = "http://vault:8200"),
      expected: /^armature:vault\.apiAddress: found "http:\/\/vault:8200", expected an https URL/,
    },
    {
      name: "a public range allowed to reach the control plane",
      edit: (v) => (v["network"].masterAuthorizedCidrs = ["0.0.0.0/0"]),
      expected: /^armature:network\.masterAuthorizedCidrs\[0\]: found "0\.0\.0\.0\/0", expected a private \(RFC 1918\) range/,
    },
    {
      name: "a control-plane range that is not /28",
      edit: (v) => (v["network"].servicesMaster = "172.16.0.0/24"),
      expected: /^armature:network\.servicesMaster: found "172\.16\.0\.0\/24", expected a \/28 range/,
    },
    {
      name: "the prod stack configured as another environment",
      edit: () => {},
      stack: "prod",
      expected: /^armature:environment: found "dev", expected "prod" for the stack named prod$/,
    },
    {
      name: "a pull-request stack whose ephemeral block names another PR",
      edit: (v) => {
        v["environment"] = "ephemeral";
        v["ephemeral"] = { pullRequest: 41, ttlHours: 24 };
      },
      stack: "pr-42",
      expected: /^armature:ephemeral\.pullRequest: found 41, expected 42, from the stack name pr-42$/,
    },
    {
      name: "health scaling with no lag per replica",
      edit: (v) => (v["apps"].healthScaling = { lagPerReplica: 0 }),
      expected: /^armature:apps\.healthScaling\.lagPerReplica: found 0, expected a whole number from 1 to 1000000$/,
    },
    {
      name: "more health replicas than the partitions of the topic it consumes",
      edit: (v) => (v["apps"].healthScaling = { maxReplicas: 8 }),
      expected: /^armature:apps\.healthScaling\.maxReplicas: found 8, expected at most 6, the partitions of discovery\.registration\.v1 \(armature:kafka\.topics\[1\]\.partitions\): more consumers than partitions sit idle; lower it or add partitions$/,
    },
    {
      name: "health scaling while health consumes no topic",
      edit: (v) => {
        v["apps"].healthScaling = { maxReplicas: 4 };
        v["kafka"].topics[1].consumers = [];
      },
      expected: /^armature:apps\.healthScaling: found \{"maxReplicas":4\}, expected no healthScaling while no armature:kafka\.topics entry lists health among its consumers/,
    },
    {
      name: "a chart from both a repository and a local folder",
      edit: (v) => (v["charts"] = { vault: { repository: "https://charts.example.internal/hashicorp", path: "tools/e2e/charts/vault" } }),
      expected: /^armature:charts\.vault: found .*, expected exactly one of `path` \(a chart folder\) and `repository` \(a Helm repository URL\)$/,
    },
    {
      name: "a chart source that names neither",
      edit: (v) => (v["charts"] = { keda: {} }),
      expected: /^armature:charts\.keda: found \{\}, expected exactly one of `path`/,
    },
    {
      name: "a chart folder that holds no chart",
      edit: (v) => (v["charts"] = { vault: { path: "tools/e2e" } }),
      expected: /^armature:charts\.vault\.path: found "tools\/e2e", expected a folder holding a Helm chart \(its Chart\.yaml\), relative to Pulumi\.yaml$/,
    },
    {
      name: "a chart folder outside the project",
      edit: (v) => (v["charts"] = { keda: { path: "../charts/keda" } }),
      expected: /^armature:charts\.keda\.path: found "\.\.\/charts\/keda", expected a chart folder relative to Pulumi\.yaml, inside the project/,
    },
    {
      name: "a chart repository that is not https",
      edit: (v) => (v["charts"] = { vault: { repository: "http://charts.example.internal" } }),
      expected: /^armature:charts\.vault\.repository: found "http:\/\/charts\.example\.internal", expected an https URL of a Helm repository/,
    },
    {
      name: "a chart the program does not install",
      edit: (v) => (v["charts"] = { nginx: { path: "charts/nginx" } }),
      expected: /^armature:charts\.nginx: /,
    },
    {
      name: "readiness waiting turned off in prod",
      edit: (v) => {
        asProd(v);
        v["kubernetes"] = { awaitReadiness: false };
      },
      stack: "prod",
      secretKeys: ["alertWebhookUrl"],
      expected: /^armature:kubernetes\.awaitReadiness: found false, expected true or unset in prod/,
    },
    {
      name: "readiness waiting that is not a boolean",
      edit: (v) => (v["kubernetes"] = { awaitReadiness: "no" }),
      expected: /^armature:kubernetes\.awaitReadiness: found "no", expected true or false$/,
    },
    {
      name: "a bad GCP region",
      edit: (v) => (v["gcp"].region = "Europe West"),
      expected: /^armature:gcp\.region: found "Europe West", expected a GCP region such as europe-west1$/,
    },
  ];

  it.each(cases)("$name", ({ edit, stack, secretKeys, expected }) => {
    const problems = problemsOf(edit, { ...(stack ? { stack } : {}), ...(secretKeys ? { secretKeys } : {}) });
    expect(problems.some((line) => expected.test(line)), `got:\n${problems.join("\n")}`).toBe(true);
  });

  it("never echoes the text of a plain-text secret or credential", () => {
    const problems = problemsOf((v) => {
      v["alertWebhookUrl"] = "https://hooks.example.com/SECRET-TEXT";
      v["redis"].authString = "SECRET-TEXT-2";
    });
    expect(problems.join("\n")).not.toMatch(/SECRET-TEXT/);
  });

  it("reports every problem at once, not just the first", () => {
    const problems = problemsOf((v) => {
      v["redis"].memorySizeGb = 0;
      v["tenants"][0].tier = "gold";
      v["apps"].activeColour = "red";
    });
    expect(problems).toHaveLength(3);
  });

  it("reads armature:vault.configuration, which may be left out (applied: an upgrade never drops Vault's configuration)", () => {
    expect(parseWith((v) => (v["vault"].configuration = "pending")).vault.configuration).toBe("pending");
    expect(parseWith((v) => delete v["vault"].configuration).vault.configuration).toBe("applied");
    expect(() => parseWith((v) => (v["vault"].configuration = "later"))).toThrow(/armature:vault\.configuration: found "later", expected one of "pending", "applied"/);
  });

  it("reads armature:apps.contract, which may be left out (pending)", () => {
    expect(parseWith((v) => (v["apps"].contract = "applied")).apps.contract).toBe("applied");
    expect(parseWith((v) => delete v["apps"].contract).apps.contract).toBeUndefined();
  });

  it("reads armature:apps.healthScaling, with defaults capped at the consumed topic's partitions", () => {
    expect(healthScalingOf(parseWith(() => {}))).toMatchObject({ topic: { name: "discovery.registration.v1" }, lagPerReplica: 500, maxReplicas: 6 });
    expect(healthScalingOf(parseWith((v) => (v["apps"].healthScaling = { lagPerReplica: 200, maxReplicas: 4 })))).toMatchObject({ lagPerReplica: 200, maxReplicas: 4 });
    expect(healthScalingOf(parseWith((v) => (v["kafka"].topics[1].partitions = 3)))?.maxReplicas).toBe(3);
    expect(healthScalingOf(parseWith((v) => (v["kafka"].topics[1].consumers = [])))).toBeUndefined();
  });

  it("accepts the test stack's keys: local charts and no readiness waiting", () => {
    const config = parseWith((v) => {
      v["charts"] = { vault: { path: "tools/e2e/charts/vault" }, keda: { repository: "https://charts.example.internal/kedacore" } };
      v["kubernetes"] = { awaitReadiness: false };
    });
    expect(config.charts?.vault?.path).toBe("tools/e2e/charts/vault");
    expect(config.charts?.keda?.repository).toBe("https://charts.example.internal/kedacore");
    expect(config.kubernetes?.awaitReadiness).toBe(false);
  });

  it("accepts a valid prod stack", () => {
    const config = parseWith(asProd, { stack: "prod", secretKeys: ["alertWebhookUrl"] });
    expect(config.environment).toBe("prod");
  });
});
