/**
 * One database on a PostgresInstance with its own role: a generated password (a Pulumi secret end to
 * end) and, for Workload Identity, IAM database users for the service accounts that may log in
 * without a password. Tenants and platform apps each get one, never a shared credential.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { argChecker } from "../shared/arg-error";
import type { PostgresInstance } from "./postgres";
import { postgresUrl } from "./server-ca";

export interface PostgresDatabaseArgs {
  readonly instance: PostgresInstance;
  /** Database name: lowercase letters, digits and '_'. */
  readonly database: string;
  /** Role (login) name. Default: the database name. */
  readonly role?: string;
  /** Default 32 characters. */
  readonly passwordLength?: number;
  /**
   * Service accounts (by a short, stable key) that log in through IAM database authentication, e.g.
   * the Workload Identity account of the service. They get `roles/cloudsql.client` and
   * `roles/cloudsql.instanceUser`, conditioned on this instance only.
   */
  readonly iamServiceAccounts?: Readonly<Record<string, pulumi.Input<string>>>;
}

const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
const RESERVED_ROLES = new Set(["postgres", "public", "cloudsqlsuperuser", "cloudsqladmin"]);
export const IAM_DATABASE_ROLES = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"] as const;

export class PostgresDatabase extends pulumi.ComponentResource {
  readonly databaseName: string;
  readonly roleName: string;
  /** The role's password (secret). */
  readonly password: pulumi.Output<string>;
  /**
   * `postgresql://role:password@privateIp:5432/database?sslmode=verify-ca&sslrootcert=/etc/armature/postgres/server-ca.pem`
   * (secret): pods that use it mount the instance's CA there (server-ca.ts).
   */
  readonly connectionUrl: pulumi.Output<string>;
  /** Postgres user names of the IAM service accounts (the email without `.gserviceaccount.com`). */
  readonly iamUserNames: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:postgres:PostgresDatabase", name, {}, opts);
    const role = args.role ?? args.database;
    validate(name, args, role);
    const child = { parent: this };
    const instance = args.instance;
    this.databaseName = args.database;
    this.roleName = role;

    const database = new gcp.sql.Database(name, { name: args.database, instance: instance.instanceName }, child);
    const generated = new random.RandomPassword(`${name}-password`, { length: args.passwordLength ?? 32, special: false }, child);
    this.password = pulumi.secret(generated.result);
    new gcp.sql.User(name, { name: role, instance: instance.instanceName, type: "BUILT_IN", password: this.password }, { parent: this, dependsOn: [database] });
    this.connectionUrl = pulumi.secret(
      pulumi.all([this.password, instance.privateIp]).apply(([password, host]) => postgresUrl({ role, password, host, database: args.database })),
    );

    const iamUserNames: Record<string, pulumi.Output<string>> = {};
    const onThisInstance = pulumi.interpolate`resource.name == "projects/${instance.project}/instances/${instance.instanceName}"`;
    for (const [key, email] of Object.entries(args.iamServiceAccounts ?? {})) {
      const userName = pulumi.output(email).apply((address) => address.replace(/\.gserviceaccount\.com$/, ""));
      new gcp.sql.User(`${name}-iam-${key}`, { name: userName, instance: instance.instanceName, type: "CLOUD_IAM_SERVICE_ACCOUNT" }, { parent: this, dependsOn: [database] });
      for (const iamRole of IAM_DATABASE_ROLES) {
        new gcp.projects.IAMMember(`${name}-iam-${key}-${iamRole.split(".")[1]}`, {
          project: instance.project,
          role: iamRole,
          member: pulumi.interpolate`serviceAccount:${email}`,
          condition: { title: `only ${args.database}'s instance`, expression: onThisInstance },
        }, child);
      }
      iamUserNames[key] = userName;
    }
    this.iamUserNames = iamUserNames;
    this.registerOutputs({ databaseName: this.databaseName, roleName: this.roleName, password: this.password });
  }
}

function validate(name: string, args: PostgresDatabaseArgs, role: string): void {
  const check = argChecker("PostgresDatabase", name);
  check(IDENTIFIER.test(args.database), "database", `${JSON.stringify(args.database)} is not a plain Postgres identifier`, "use 1-63 lowercase letters, digits and '_', starting with a letter");
  check(IDENTIFIER.test(role), "role", `${JSON.stringify(role)} is not a plain Postgres identifier`, "use 1-63 lowercase letters, digits and '_', starting with a letter");
  check(!RESERVED_ROLES.has(role) && !role.startsWith("cloudsql"), "role", `${JSON.stringify(role)} is reserved by Postgres or Cloud SQL`, "name the role after the service or tenant that owns the database");
  const length = args.passwordLength ?? 32;
  check(Number.isInteger(length) && length >= 20, "passwordLength", `${length} is shorter than 20`, "use 20 or more characters");
  for (const key of Object.keys(args.iamServiceAccounts ?? {})) {
    check(/^[a-z][a-z0-9-]{0,29}$/.test(key), `iamServiceAccounts.${key}`, "the key is not a short resource-name part", "use lowercase letters, digits and '-' (e.g. the service name)");
  }
}
