/**
 * Memorystore for Redis with the platform's secure defaults (docs/architecture.md#memorystore): STANDARD_HA,
 * AUTH on, in-transit encryption (SERVER_AUTHENTICATION), private services access only, a weekly
 * maintenance window and RDB persistence. Outputs host, port, the AUTH string (secret) and the CA.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { argChecker } from "../shared/arg-error";
import type { Labels } from "../shared/types";

export type RedisTier = "STANDARD_HA" | "BASIC";
export type Weekday = "MONDAY" | "TUESDAY" | "WEDNESDAY" | "THURSDAY" | "FRIDAY" | "SATURDAY" | "SUNDAY";

export interface RedisArgs {
  /** Prefix of resource names, e.g. "armature-dev". */
  readonly namePrefix: string;
  readonly region: string;
  /** The VPC (id or self link) that reaches the instance. */
  readonly network: pulumi.Input<string>;
  /** The private services access connection; the instance is created after it. */
  readonly privateServiceAccess: pulumi.Resource;
  /** Name of the private services access range the instance takes its address from. */
  readonly reservedIpRange?: pulumi.Input<string>;
  readonly memorySizeGb: number;
  readonly labels: Labels;
  /** Default "STANDARD_HA" (a replica in another zone, automatic failover). */
  readonly tier?: RedisTier;
  /** Default "REDIS_7_2". */
  readonly version?: string;
  /** Redis AUTH. Default true. */
  readonly authEnabled?: boolean;
  /** Default "SERVER_AUTHENTICATION" (TLS); "DISABLED" sends data and AUTH in clear text. */
  readonly transitEncryption?: "SERVER_AUTHENTICATION" | "DISABLED";
  /** Read replicas beside the primary (STANDARD_HA only). Default: the API's, one replica. */
  readonly replicaCount?: number;
  /** Default "RDB" snapshots. */
  readonly persistence?: "RDB" | "DISABLED";
  /** Default "TWELVE_HOURS". */
  readonly snapshotPeriod?: "ONE_HOUR" | "SIX_HOURS" | "TWELVE_HOURS" | "TWENTY_FOUR_HOURS";
  /** Default Sunday 03:00 UTC. */
  readonly maintenanceWindow?: { readonly day: Weekday; readonly hour: number };
  /** Default true. */
  readonly deletionProtection?: boolean;
}

export class Redis extends pulumi.ComponentResource {
  readonly instance: gcp.redis.Instance;
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** The AUTH string (secret). */
  readonly authString: pulumi.Output<string>;
  /**
   * PEM of the server CAs, for TLS clients: every CA Memorystore lists, so clients keep trusting the
   * instance when it adds the next CA (years before the current one expires).
   */
  readonly caCertificate: pulumi.Output<string>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:redis:Redis", name, {}, opts);
    validate(name, args);
    const tier = args.tier ?? "STANDARD_HA";
    const window = args.maintenanceWindow ?? { day: "SUNDAY", hour: 3 };
    const persistence = args.persistence ?? "RDB";

    this.instance = new gcp.redis.Instance(name, {
      name: `${args.namePrefix}-${name}`,
      region: args.region,
      tier,
      memorySizeGb: args.memorySizeGb,
      redisVersion: args.version ?? "REDIS_7_2",
      authorizedNetwork: args.network,
      connectMode: "PRIVATE_SERVICE_ACCESS",
      reservedIpRange: args.reservedIpRange,
      authEnabled: args.authEnabled ?? true,
      transitEncryptionMode: args.transitEncryption ?? "SERVER_AUTHENTICATION",
      ...(args.replicaCount !== undefined ? { replicaCount: args.replicaCount, readReplicasMode: args.replicaCount > 1 ? "READ_REPLICAS_ENABLED" : "READ_REPLICAS_DISABLED" } : {}),
      persistenceConfig: persistence === "RDB"
        ? { persistenceMode: "RDB", rdbSnapshotPeriod: args.snapshotPeriod ?? "TWELVE_HOURS" }
        : { persistenceMode: "DISABLED" },
      maintenancePolicy: { weeklyMaintenanceWindows: [{ day: window.day, startTime: { hours: window.hour, minutes: 0, seconds: 0, nanos: 0 } }] },
      deletionProtection: args.deletionProtection ?? true,
      labels: { ...args.labels },
    }, { parent: this, dependsOn: [args.privateServiceAccess] });

    this.host = this.instance.host;
    this.port = this.instance.port;
    this.authString = pulumi.secret(this.instance.authString);
    this.caCertificate = this.instance.serverCaCerts.apply((certs) => certs.map((ca) => `${ca.cert.trimEnd()}\n`).join(""));
    this.registerOutputs({ host: this.host, port: this.port, authString: this.authString });
  }
}

function validate(name: string, args: RedisArgs): void {
  const check = argChecker("Redis", name);
  const tier = args.tier ?? "STANDARD_HA";
  check(Number.isInteger(args.memorySizeGb) && args.memorySizeGb >= 1 && args.memorySizeGb <= 300, "memorySizeGb", `${args.memorySizeGb} is outside 1-300`, "use 1 to 300 GB");
  check(/^REDIS_[67]_\d$/.test(args.version ?? "REDIS_7_2"), "version", `${JSON.stringify(args.version)} is not a Memorystore version`, "use e.g. REDIS_7_2");
  if (args.replicaCount !== undefined) {
    check(tier === "STANDARD_HA", "replicaCount", `set on a ${tier} instance, which has no replicas`, "drop replicaCount, or use tier STANDARD_HA");
    check(Number.isInteger(args.replicaCount) && args.replicaCount >= 1 && args.replicaCount <= 5, "replicaCount", `${args.replicaCount} is outside 1-5`, "use 1 to 5 replicas");
  }
  check(args.snapshotPeriod === undefined || (args.persistence ?? "RDB") === "RDB", "snapshotPeriod", "set while persistence is DISABLED", "drop snapshotPeriod, or set persistence: RDB");
  const hour = args.maintenanceWindow?.hour ?? 3;
  check(Number.isInteger(hour) && hour >= 0 && hour <= 23, "maintenanceWindow.hour", `${hour} is outside 0-23`, "use an hour of the day in UTC");
}
