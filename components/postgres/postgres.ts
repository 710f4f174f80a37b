/**
 * Cloud SQL for PostgreSQL with the platform's secure defaults (docs/architecture.md#cloud-sql): no public
 * IP (private services access only), REGIONAL high availability, backups with point-in-time recovery,
 * deletion protection through both the Pulumi flag and the API flag, SSL required, IAM database
 * authentication, query insights and a maintenance window. Databases and roles are declared with
 * `addDatabase` (see postgres-database.ts): one per service or tenant, never shared.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { argChecker } from "../shared/arg-error";
import type { Labels } from "../shared/types";
import { PostgresDatabase, type PostgresDatabaseArgs } from "./postgres-database";
import { type PostgresServerCa, cloudSqlServerName } from "./server-ca";

export type SslMode = "ENCRYPTED_ONLY" | "TRUSTED_CLIENT_CERTIFICATE_REQUIRED";

export interface BackupSettings {
  /** Default true. */
  readonly enabled?: boolean;
  /** Default true; needs backups. */
  readonly pointInTimeRecovery?: boolean;
  /** UTC "HH:MM". Default "02:00". */
  readonly startTime?: string;
  /** Default 14. */
  readonly retainedBackups?: number;
  /** Days of write-ahead log kept for point-in-time recovery, 1-7. Default 7. */
  readonly transactionLogRetentionDays?: number;
}

export interface PostgresInstanceArgs {
  /** Prefix of resource names, e.g. "armature-dev". A random suffix follows: Cloud SQL names cannot be reused for a week. */
  readonly namePrefix: string;
  readonly project: string;
  readonly region: string;
  /** The VPC (id or self link) whose private services access peering serves the instance. */
  readonly network: pulumi.Input<string>;
  /** The private services access connection; the instance is created after it. */
  readonly privateServiceAccess: pulumi.Resource;
  /** A Cloud SQL tier such as db-custom-2-8192. */
  readonly tier: string;
  readonly diskSizeGb: number;
  readonly labels: Labels;
  /** Default "POSTGRES_17". */
  readonly version?: string;
  /** Default "ENTERPRISE" (custom tiers); ENTERPRISE_PLUS needs a db-perf-optimized-N-* tier. */
  readonly edition?: "ENTERPRISE" | "ENTERPRISE_PLUS";
  /** Default "REGIONAL" (a standby in another zone). */
  readonly availability?: "REGIONAL" | "ZONAL";
  /** A public IPv4 address. Default false: private services access only. */
  readonly publicIp?: boolean;
  /** Default "ENCRYPTED_ONLY". */
  readonly sslMode?: SslMode;
  readonly backups?: BackupSettings;
  /** Query insights. Default true. */
  readonly queryInsights?: boolean;
  /** Day 1 (Monday) to 7 (Sunday), hour 0-23 UTC. Default Sunday 03:00. */
  readonly maintenanceWindow?: { readonly day: number; readonly hour: number };
  /** Default true. Sets both the Pulumi-side `deletionProtection` and the API's `deletionProtectionEnabled`. */
  readonly deletionProtection?: boolean;
  /** Database flags, merged over DEFAULT_DATABASE_FLAGS. */
  readonly databaseFlags?: Readonly<Record<string, string>>;
}

/** IAM database authentication, and the logging flags of the CIS Cloud SQL PostgreSQL benchmark. */
export const DEFAULT_DATABASE_FLAGS: Readonly<Record<string, string>> = {
  "cloudsql.iam_authentication": "on",
  log_checkpoints: "on",
  log_connections: "on",
  log_disconnections: "on",
  log_lock_waits: "on",
  log_min_error_statement: "error",
  log_temp_files: "0",
  log_min_duration_statement: "-1",
};

export class PostgresInstance extends pulumi.ComponentResource {
  readonly instance: gcp.sql.DatabaseInstance;
  readonly instanceName: pulumi.Output<string>;
  /** `<project>:<region>:<name>`, for the Cloud SQL connectors. */
  readonly connectionName: pulumi.Output<string>;
  readonly privateIp: pulumi.Output<string>;
  /** PEM of the server CA: clients verify the server with it. */
  readonly serverCaCert: pulumi.Output<string>;
  /** `<project>:<instance>`: the common name of the server's certificate, which clients check (server-ca.ts). */
  readonly tlsServerName: pulumi.Output<string>;
  /** The built-in `postgres` user's password, for break-glass administration only (secret). */
  readonly adminPassword: pulumi.Output<string>;
  readonly project: string;

  constructor(name: string, args: PostgresInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:postgres:PostgresInstance", name, {}, opts);
    validate(name, args);
    const child = { parent: this };
    this.project = args.project;
    const backups = args.backups ?? {};
    const deletionProtection = args.deletionProtection ?? true;
    const window = args.maintenanceWindow ?? { day: 7, hour: 3 };

    const suffix = new random.RandomId(`${name}-suffix`, { byteLength: 4 }, child);
    const adminPassword = new random.RandomPassword(`${name}-admin`, { length: 32, special: false }, child);

    this.instance = new gcp.sql.DatabaseInstance(name, {
      name: pulumi.interpolate`${args.namePrefix}-${name}-${suffix.hex}`,
      region: args.region,
      databaseVersion: args.version ?? "POSTGRES_17",
      deletionProtection,
      rootPassword: pulumi.secret(adminPassword.result),
      settings: {
        tier: args.tier,
        edition: args.edition ?? "ENTERPRISE",
        availabilityType: args.availability ?? "REGIONAL",
        diskSize: args.diskSizeGb,
        diskType: "PD_SSD",
        diskAutoresize: true,
        deletionProtectionEnabled: deletionProtection,
        ipConfiguration: {
          ipv4Enabled: args.publicIp ?? false,
          privateNetwork: args.network,
          sslMode: args.sslMode ?? "ENCRYPTED_ONLY",
          // A CA of the instance's own, which names the server `<project>:<instance>`: clients trust this
          // instance alone (a shared CA would also sign every other instance in the region).
          serverCaMode: "GOOGLE_MANAGED_INTERNAL_CA",
          enablePrivatePathForGoogleCloudServices: false,
        },
        backupConfiguration: {
          enabled: backups.enabled ?? true,
          pointInTimeRecoveryEnabled: backups.pointInTimeRecovery ?? true,
          startTime: backups.startTime ?? "02:00",
          transactionLogRetentionDays: backups.transactionLogRetentionDays ?? 7,
          backupRetentionSettings: { retainedBackups: backups.retainedBackups ?? 14, retentionUnit: "COUNT" },
        },
        insightsConfig: {
          queryInsightsEnabled: args.queryInsights ?? true,
          recordApplicationTags: true,
          // Client addresses are personal data in many jurisdictions: off unless a team opts in.
          recordClientAddress: false,
          queryStringLength: 1024,
        },
        maintenanceWindow: { day: window.day, hour: window.hour, updateTrack: "stable" },
        databaseFlags: Object.entries({ ...DEFAULT_DATABASE_FLAGS, ...args.databaseFlags }).map(([flag, value]) => ({ name: flag, value })),
        userLabels: { ...args.labels },
      },
    }, { parent: this, dependsOn: [args.privateServiceAccess] });

    this.instanceName = this.instance.name;
    this.connectionName = this.instance.connectionName;
    this.privateIp = this.instance.privateIpAddress;
    this.serverCaCert = this.instance.serverCaCerts.apply((certs) => certs[0]?.cert ?? "");
    this.tlsServerName = cloudSqlServerName(args.project, this.instance.name);
    this.adminPassword = pulumi.secret(adminPassword.result);
    this.registerOutputs({ instanceName: this.instanceName, connectionName: this.connectionName, privateIp: this.privateIp });
  }

  /** What clients need to verify the server: its CA and its certificate's name (server-ca.ts). */
  get serverCa(): PostgresServerCa {
    return { caCertificate: this.serverCaCert, tlsServerName: this.tlsServerName };
  }

  /** Declares a database with its own role (and IAM users), a child of this instance unless opts say otherwise. */
  addDatabase(name: string, args: Omit<PostgresDatabaseArgs, "instance">, opts?: pulumi.ComponentResourceOptions): PostgresDatabase {
    return new PostgresDatabase(name, { ...args, instance: this }, { parent: this, ...opts });
  }
}

function validate(name: string, args: PostgresInstanceArgs): void {
  const check = argChecker("PostgresInstance", name);
  const backups = args.backups ?? {};
  check(
    !(backups.pointInTimeRecovery ?? true) || (backups.enabled ?? true),
    "backups.pointInTimeRecovery",
    "on while backups.enabled is false (point-in-time recovery replays logs on top of a backup)",
    "enable backups, or set pointInTimeRecovery: false as well",
  );
  const logDays = backups.transactionLogRetentionDays ?? 7;
  check(Number.isInteger(logDays) && logDays >= 1 && logDays <= 7, "backups.transactionLogRetentionDays", `${logDays} is outside 1-7`, "use 1 to 7 days");
  const retained = backups.retainedBackups ?? 14;
  check(Number.isInteger(retained) && retained >= 1 && retained <= 365, "backups.retainedBackups", `${retained} is outside 1-365`, "keep 1 to 365 backups");
  check(/^([01]\d|2[0-3]):[0-5]\d$/.test(backups.startTime ?? "02:00"), "backups.startTime", `${JSON.stringify(backups.startTime)} is not HH:MM`, 'use a UTC time such as "02:00"');
  const version = args.version ?? "POSTGRES_17";
  check(/^POSTGRES_1[4-8]$/.test(version), "version", `${JSON.stringify(version)} is not a supported Cloud SQL Postgres version`, "use POSTGRES_14 to POSTGRES_18");
  const edition = args.edition ?? "ENTERPRISE";
  const perfTier = args.tier.startsWith("db-perf-optimized-N-");
  check(
    edition === "ENTERPRISE_PLUS" ? perfTier : !perfTier,
    "tier",
    `${args.tier} does not belong to the ${edition} edition`,
    edition === "ENTERPRISE_PLUS" ? "use a db-perf-optimized-N-<vCPUs> tier" : "use a db-custom-<vCPUs>-<MiB> tier, or edition: ENTERPRISE_PLUS",
  );
  check(Number.isInteger(args.diskSizeGb) && args.diskSizeGb >= 10, "diskSizeGb", `${args.diskSizeGb} is below 10`, "use 10 GB or more");
  const window = args.maintenanceWindow ?? { day: 7, hour: 3 };
  check(window.day >= 1 && window.day <= 7 && window.hour >= 0 && window.hour <= 23, "maintenanceWindow", `${JSON.stringify(window)} is not a day 1-7 and an hour 0-23`, "use e.g. { day: 7, hour: 3 } (Sunday 03:00 UTC)");
}
