import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { type MockRuntime, secretInput, StandInResource, useMockRuntime, valueOf } from "../shared/mock-runtime";
import { PostgresInstance, type PostgresInstanceArgs } from "./postgres";

let mocks: MockRuntime;
let peering: pulumi.Resource;
beforeAll(async () => {
  mocks = await useMockRuntime();
  peering = new StandInResource("psa");
});

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const USER = "gcp:sql/user:User";

const args = (overrides: Partial<PostgresInstanceArgs> = {}): PostgresInstanceArgs => ({
  namePrefix: "armature-test",
  project: "my-project",
  region: "europe-west1",
  network: "projects/my-project/global/networks/armature-test",
  privateServiceAccess: peering,
  tier: "db-custom-2-8192",
  diskSizeGb: 50,
  labels: { team: "platform", environment: "test" },
  ...overrides,
});

describe("PostgresInstance", () => {
  it("applies the secure defaults", async () => {
    const postgres = new PostgresInstance("defaults", args());
    await mocks.settle();
    const instance = mocks.named(INSTANCE, "defaults").inputs;
    expect(instance).toMatchObject({
      databaseVersion: "POSTGRES_17",
      region: "europe-west1",
      deletionProtection: true,
      settings: {
        tier: "db-custom-2-8192",
        edition: "ENTERPRISE",
        availabilityType: "REGIONAL",
        deletionProtectionEnabled: true,
        ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/my-project/global/networks/armature-test", sslMode: "ENCRYPTED_ONLY", serverCaMode: "GOOGLE_MANAGED_INTERNAL_CA" },
        backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7, backupRetentionSettings: { retainedBackups: 14 } },
        insightsConfig: { queryInsightsEnabled: true, recordClientAddress: false },
        maintenanceWindow: { day: 7, hour: 3 },
        userLabels: { team: "platform", environment: "test" },
      },
    });
    expect(instance.settings.databaseFlags).toContainEqual({ name: "cloudsql.iam_authentication", value: "on" });
    expect(instance.name).toMatch(/^armature-test-defaults-[0-9a-f]{8}$/);
    expect(await valueOf(postgres.connectionName)).toBe(`mock-project:europe-west1:${instance.name}`);
    expect(await valueOf(postgres.privateIp)).toBe("10.30.0.3");
    expect(await valueOf(postgres.serverCaCert)).toContain("BEGIN CERTIFICATE");
    // The per-instance CA names the server `<project>:<instance>`: what clients check (server-ca.ts).
    expect(await valueOf(postgres.tlsServerName)).toBe(`my-project:${instance.name}`);
    expect(await valueOf(pulumi.output(postgres.serverCa.tlsServerName))).toBe(`my-project:${instance.name}`);
    expect(await pulumi.isSecret(postgres.adminPassword)).toBe(true);
  });

  it("keeps the admin password a secret on the wire", async () => {
    new PostgresInstance("secret", args());
    await mocks.settle();
    expect(secretInput(mocks.named(INSTANCE, "secret").inputs.rootPassword)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("honours overrides", async () => {
    new PostgresInstance("override", args({
      availability: "ZONAL",
      sslMode: "TRUSTED_CLIENT_CERTIFICATE_REQUIRED",
      deletionProtection: false,
      version: "POSTGRES_16",
      backups: { retainedBackups: 30, startTime: "04:30" },
      databaseFlags: { log_min_duration_statement: "500" },
      maintenanceWindow: { day: 6, hour: 1 },
    }));
    await mocks.settle();
    const instance = mocks.named(INSTANCE, "override").inputs;
    expect(instance.deletionProtection).toBe(false);
    expect(instance.databaseVersion).toBe("POSTGRES_16");
    expect(instance.settings).toMatchObject({
      availabilityType: "ZONAL",
      deletionProtectionEnabled: false,
      ipConfiguration: { sslMode: "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" },
      backupConfiguration: { startTime: "04:30", backupRetentionSettings: { retainedBackups: 30 } },
      maintenanceWindow: { day: 6, hour: 1 },
    });
    expect(instance.settings.databaseFlags).toContainEqual({ name: "log_min_duration_statement", value: "500" });
    expect(instance.settings.databaseFlags).toContainEqual({ name: "cloudsql.iam_authentication", value: "on" });
  });

  it("refuses conflicting or invalid Args with the Arg and the fix", () => {
    expect(() => new PostgresInstance("pitr", args({ backups: { enabled: false } }))).toThrow(
      /PostgresInstance "pitr": Args\.backups\.pointInTimeRecovery: on while backups\.enabled is false.*Fix: enable backups, or set pointInTimeRecovery: false/,
    );
    expect(() => new PostgresInstance("edition", args({ edition: "ENTERPRISE_PLUS" }))).toThrow(/Args\.tier: db-custom-2-8192 does not belong to the ENTERPRISE_PLUS edition\. Fix: use a db-perf-optimized-N/);
    expect(() => new PostgresInstance("version", args({ version: "POSTGRES_9_6" }))).toThrow(/Args\.version: "POSTGRES_9_6" is not a supported/);
    expect(() => new PostgresInstance("logs", args({ backups: { transactionLogRetentionDays: 30 } }))).toThrow(/Args\.backups\.transactionLogRetentionDays: 30 is outside 1-7/);
  });
});

describe("PostgresInstance.addDatabase", () => {
  it("declares a database, its own role with a secret generated password, and IAM users", async () => {
    const postgres = new PostgresInstance("apps", args());
    const discovery = postgres.addDatabase("discovery", {
      database: "discovery",
      iamServiceAccounts: { discovery: "discovery-dev@my-project.iam.gserviceaccount.com" },
    });
    await mocks.settle();
    expect(mocks.named("gcp:sql/database:Database", "discovery").inputs.name).toBe("discovery");
    const role = mocks.named(USER, "discovery").inputs;
    expect(role).toMatchObject({ name: "discovery", type: "BUILT_IN" });
    expect(secretInput(role.password)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(mocks.named(USER, "discovery-iam-discovery").inputs).toMatchObject({
      name: "discovery-dev@my-project.iam",
      type: "CLOUD_IAM_SERVICE_ACCOUNT",
    });
    const grants = mocks.ofType("gcp:projects/iAMMember:IAMMember").filter((member) => member.name.startsWith("discovery-iam-"));
    expect(grants.map((grant) => String(grant.inputs.role)).sort()).toEqual(["roles/cloudsql.client", "roles/cloudsql.instanceUser"]);
    expect(grants[0]?.inputs.condition.expression).toMatch(/^resource\.name == "projects\/my-project\/instances\/armature-test-apps-[0-9a-f]{8}"$/);

    expect(await pulumi.isSecret(discovery.password)).toBe(true);
    expect(await pulumi.isSecret(discovery.connectionUrl)).toBe(true);
    // libpq's verify-ca with the mounted server CA: what psql, pgx (KEDA) and apps/kit/postgres-tls.ts read.
    const url = new URL(await valueOf(discovery.connectionUrl));
    expect(url.toString()).toMatch(/^postgresql:\/\/discovery:[A-Za-z0-9_-]{32}@10\.30\.0\.3:5432\/discovery\?/);
    expect([...url.searchParams]).toEqual([["sslmode", "verify-ca"], ["sslrootcert", "/etc/armature/postgres/server-ca.pem"]]);
    expect(discovery.roleName).toBe("discovery");
  });

  it("honours a role override and refuses reserved or malformed names", async () => {
    const postgres = new PostgresInstance("tenants", args());
    postgres.addDatabase("tenant-acme", { database: "tenant_acme", role: "acme_app" });
    await mocks.settle();
    expect(mocks.named(USER, "tenant-acme").inputs.name).toBe("acme_app");
    expect(() => postgres.addDatabase("bad", { database: "Bad-Name" })).toThrow(/PostgresDatabase "bad": Args\.database: "Bad-Name" is not a plain Postgres identifier/);
    expect(() => postgres.addDatabase("root", { database: "app", role: "postgres" })).toThrow(/Args\.role: "postgres" is reserved.*Fix: name the role after the service or tenant/);
    expect(() => postgres.addDatabase("short", { database: "app", passwordLength: 8 })).toThrow(/Args\.passwordLength: 8 is shorter than 20/);
  });
});
