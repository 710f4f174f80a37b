/**
 * The gcp stand-in: accepts every resource and answers with the outputs Google Cloud computes, in the
 * shapes @pulumi/gcp declares (node_modules/@pulumi/gcp/<module>/<resource>.d.ts) for what the program
 * reads: service account emails, resource ids and self links in the API's path formats, Cloud SQL's and
 * Memorystore's private addresses and real CA certificates, Memorystore's AUTH string (secret), and
 * each GKE cluster's endpoint and CA, which point at a local kube-apiserver (gke-clusters.ts).
 * Types not listed get the inputs back plus `project` and an id.
 */
import { randomBytes } from "node:crypto";
import { clusterFor } from "../gke-clusters";
import type { Computed, PackageBehaviour, PackageFunction, ResourceCall } from "../package-behaviour";
import { type Properties, isObject, reveal, secret, text } from "../wire";
import { hexId, labelOutputs, numericId, privateAddress, projectNumber, projectOf, regionOf } from "./gcp-identity";
import { serverCaCert } from "./server-ca";

const COMPUTE_API = "https://www.googleapis.com/compute/v1";
const SQL_API = "https://sqladmin.googleapis.com/sql/v1beta4";
const CONTAINER_API = "https://container.googleapis.com/v1";
/** A GKE version of the channel default in the stand-in's time (any valid string would do). */
const GKE_VERSION = "1.33.5-gke.1080000";

/** Types whose schema has no `project` (they hang off another resource). */
const WITHOUT_PROJECT = new Set([
  "gcp:kms/cryptoKey:CryptoKey",
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  "gcp:serviceaccount/iAMMember:IAMMember",
  "gcp:servicenetworking/connection:Connection",
  "gcp:secretmanager/secretVersion:SecretVersion",
]);

interface Context {
  call: ResourceCall;
  inputs: Properties;
  project: () => string;
  name: string;
  seed: string;
}

type Compute = (context: Context) => Computed | Promise<Computed>;

const NOTHING: Compute = () => ({ outputs: {} });

const global = (kind: string): Compute => ({ project, name }) => {
  const id = `projects/${project()}/global/${kind}/${name}`;
  return { id, outputs: { selfLink: `${COMPUTE_API}/${id}` } };
};

const regional = (kind: string): Compute => ({ project, name, call, inputs }) => {
  const id = `projects/${project()}/regions/${regionOf(inputs, call.config)}/${kind}/${name}`;
  return { id, outputs: { selfLink: `${COMPUTE_API}/${id}`, region: regionOf(inputs, call.config) } };
};

const iamMember = (scope: (inputs: Properties) => string | undefined): Compute => ({ inputs, seed }) => ({
  id: `${scope(inputs) ?? ""}/${text(inputs, "role") ?? ""}/${text(inputs, "member") ?? ""}`,
  outputs: { etag: `BwY${hexId(seed, 9)}=` },
});

const COMPUTE: Record<string, Compute> = {
  "gcp:serviceaccount/account:Account": ({ inputs, project, seed, name }) => {
    const accountId = text(inputs, "accountId") ?? name;
    const email = `${accountId}@${project()}.iam.gserviceaccount.com`;
    const resourceName = `projects/${project()}/serviceAccounts/${email}`;
    return { id: resourceName, outputs: { email, name: resourceName, member: `serviceAccount:${email}`, uniqueId: numericId(seed, 21), disabled: false } };
  },
  "gcp:projects/iAMMember:IAMMember": iamMember((inputs) => text(inputs, "project")),
  "gcp:serviceaccount/iAMMember:IAMMember": iamMember((inputs) => text(inputs, "serviceAccountId")),
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": iamMember((inputs) => text(inputs, "cryptoKeyId")),
  "gcp:projects/service:Service": ({ inputs, project }) => ({ id: `${project()}/${text(inputs, "service") ?? ""}` }) as Computed,
  "gcp:compute/network:Network": async (context) => {
    const base = await global("networks")(context);
    return { ...base, outputs: { ...base.outputs, numericId: numericId(context.seed), gatewayIpv4: "" } };
  },
  "gcp:compute/subnetwork:Subnetwork": async (context) => {
    const base = await regional("subnetworks")(context);
    const range = text(context.inputs, "ipCidrRange");
    const gatewayAddress = range ? firstHost(range) : "";
    return { ...base, outputs: { ...base.outputs, gatewayAddress, fingerprint: hexId(context.seed, 16) } };
  },
  "gcp:compute/firewall:Firewall": global("firewalls"),
  "gcp:compute/route:Route": global("routes"),
  "gcp:compute/router:Router": regional("routers"),
  "gcp:compute/routerNat:RouterNat": ({ inputs, call, project, name }) => ({
    id: `${project()}/${regionOf(inputs, call.config)}/${text(inputs, "router") ?? ""}/${name}`,
    outputs: { region: regionOf(inputs, call.config) },
  }),
  "gcp:compute/globalAddress:GlobalAddress": async (context) => {
    const base = await global("addresses")(context);
    return { ...base, outputs: { ...base.outputs, address: text(context.inputs, "address") ?? privateAddress(context.seed) } };
  },
  "gcp:compute/address:Address": async (context) => {
    const base = await regional("addresses")(context);
    return { ...base, outputs: { ...base.outputs, address: text(context.inputs, "address") ?? privateAddress(context.seed), users: [] } };
  },
  "gcp:servicenetworking/connection:Connection": ({ inputs }) => ({
    id: `${text(inputs, "network") ?? ""}:${text(inputs, "service") ?? ""}`,
    outputs: { peering: "servicenetworking-googleapis-com" },
  }),
  "gcp:kms/keyRing:KeyRing": ({ inputs, call, project, name }) => ({ id: `projects/${project()}/locations/${regionOf(inputs, call.config)}/keyRings/${name}` }) as Computed,
  "gcp:kms/cryptoKey:CryptoKey": ({ inputs, name }) => {
    const id = `${text(inputs, "keyRing") ?? ""}/cryptoKeys/${name}`;
    return { id, outputs: { primaries: [{ name: `${id}/cryptoKeyVersions/1`, state: "ENABLED" }] } };
  },
  "gcp:secretmanager/secret:Secret": ({ inputs, project }) => {
    const secretId = text(inputs, "secretId") ?? "";
    return { id: `projects/${project()}/secrets/${secretId}`, outputs: { name: `projects/${projectNumber(project())}/secrets/${secretId}`, createTime: new Date().toISOString() } };
  },
  "gcp:secretmanager/secretVersion:SecretVersion": ({ inputs }) => {
    const name = `${text(inputs, "secret") ?? ""}/versions/1`;
    return { id: name, outputs: { name, version: "1", createTime: new Date().toISOString(), enabled: true } };
  },
  "gcp:dns/managedZone:ManagedZone": ({ project, name, seed }) => ({
    id: `projects/${project()}/managedZones/${name}`,
    outputs: { managedZoneId: numericId(seed, 19), nameServers: ["ns-gcp-private.googledomains.com."], creationTime: new Date().toISOString() },
  }),
  "gcp:dns/recordSet:RecordSet": ({ inputs, project }) => ({
    id: `projects/${project()}/managedZones/${text(inputs, "managedZone") ?? ""}/rrsets/${text(inputs, "name") ?? ""}/${text(inputs, "type") ?? ""}`,
    outputs: {},
  }),
  "gcp:container/cluster:Cluster": ({ inputs, call, project, name }) => {
    const location = text(inputs, "location") ?? regionOf(inputs, call.config);
    const local = clusterFor(name);
    const masterAuth = reveal(inputs["masterAuth"]);
    const privateClusterConfig = reveal(inputs["privateClusterConfig"]);
    const host = local.endpoint.replace(/:\d+$/, "");
    const id = `projects/${project()}/locations/${location}/clusters/${name}`;
    return {
      id,
      outputs: {
        location,
        endpoint: local.endpoint,
        masterAuth: { ...(isObject(masterAuth) ? masterAuth : {}), clusterCaCertificate: Buffer.from(local.caCertificate).toString("base64"), clientCertificate: "" },
        ...(isObject(privateClusterConfig) ? { privateClusterConfig: { ...privateClusterConfig, privateEndpoint: host, publicEndpoint: host } } : {}),
        masterVersion: GKE_VERSION,
        selfLink: `${CONTAINER_API}/${id}`,
        labelFingerprint: hexId(id, 8),
        servicesIpv4Cidr: "34.118.224.0/20",
      },
    };
  },
  "gcp:container/nodePool:NodePool": ({ inputs, call, project, name }) => {
    const location = text(inputs, "location") ?? regionOf(inputs, call.config);
    return {
      id: `projects/${project()}/locations/${location}/clusters/${text(inputs, "cluster") ?? ""}/nodePools/${name}`,
      outputs: { location, version: GKE_VERSION, instanceGroupUrls: [], managedInstanceGroupUrls: [], operation: "" },
    };
  },
  "gcp:sql/databaseInstance:DatabaseInstance": async ({ inputs, call, project, name, seed }) => {
    const region = regionOf(inputs, call.config);
    const privateIpAddress = privateAddress(seed, 200);
    const { cert, commonName, createTime, expirationTime, sha1Fingerprint } = await serverCaCert("Google Cloud SQL Server CA");
    return {
      id: name,
      outputs: {
        name,
        region,
        connectionName: `${project()}:${region}:${name}`,
        privateIpAddress,
        firstIpAddress: privateIpAddress,
        publicIpAddress: "",
        ipAddresses: [{ ipAddress: privateIpAddress, type: "PRIVATE", timeToRetire: "" }],
        serverCaCerts: [{ cert, commonName, createTime, expirationTime, sha1Fingerprint }],
        serviceAccountEmailAddress: `p${projectNumber(project())}-${hexId(seed, 6)}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
        selfLink: `${SQL_API}/projects/${project()}/instances/${name}`,
        dnsName: `${hexId(seed, 12)}.${hexId(seed + "dns", 12)}.${region}.sql.goog.`,
        instanceType: "CLOUD_SQL_INSTANCE",
        maintenanceVersion: "POSTGRES_17_6.R20250727.01_00",
      },
    };
  },
  "gcp:sql/database:Database": ({ inputs, project, name }) => {
    const instance = text(inputs, "instance") ?? "";
    const id = `projects/${project()}/instances/${instance}/databases/${text(inputs, "name") ?? name}`;
    return { id, outputs: { selfLink: `${SQL_API}/${id}`, charset: "UTF8", collation: "en_US.UTF8" } };
  },
  "gcp:artifactregistry/repository:Repository": ({ inputs, project, name }) => {
    const location = text(inputs, "location") ?? "";
    const repositoryId = text(inputs, "repositoryId") ?? name;
    // `name` is the short repository id (@pulumi/gcp's Repository.name), which IAM members refer to.
    return { id: `projects/${project()}/locations/${location}/repositories/${repositoryId}`, outputs: { name: repositoryId, registryUri: `${location}-docker.pkg.dev/${project()}/${repositoryId}` } };
  },
  "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": iamMember((inputs) => text(inputs, "repository")),
  "gcp:sql/user:User": ({ inputs, name }) => ({ id: `${text(inputs, "name") ?? name}//${text(inputs, "instance") ?? ""}`, outputs: {} }),
  "gcp:redis/instance:Instance": async ({ inputs, call, project, name, seed }) => {
    const region = regionOf(inputs, call.config);
    const tls = text(inputs, "transitEncryptionMode") === "SERVER_AUTHENTICATION";
    const authEnabled = reveal(inputs["authEnabled"]) === true;
    const { cert, createTime, expireTime, serialNumber, sha1Fingerprint } = await serverCaCert("Google Cloud Memorystore Redis Server CA");
    return {
      id: `projects/${project()}/locations/${region}/instances/${name}`,
      outputs: {
        region,
        host: privateAddress(seed, 201),
        port: tls ? 6378 : 6379,
        authString: secret(authEnabled ? randomBytes(27).toString("base64url") : ""),
        serverCaCerts: tls ? [{ cert, createTime, expireTime, serialNumber, sha1Fingerprint }] : [],
        currentLocationId: `${region}-a`,
        persistenceIamIdentity: `serviceAccount:service-${projectNumber(project())}@cloud-redis.iam.gserviceaccount.com`,
        readEndpoint: "",
        readEndpointPort: 0,
      },
    };
  },
  "gcp:managedkafka/cluster:Cluster": ({ inputs, call, project, name }) => {
    const id = `projects/${project()}/locations/${regionOf(inputs, call.config)}/clusters/${text(inputs, "clusterId") ?? name}`;
    return { id, outputs: { name: id, state: "ACTIVE", createTime: new Date().toISOString() } };
  },
  "gcp:managedkafka/topic:Topic": ({ inputs, call, project, name }) => {
    const id = `projects/${project()}/locations/${regionOf(inputs, call.config)}/clusters/${text(inputs, "cluster") ?? ""}/topics/${text(inputs, "topicId") ?? name}`;
    return { id, outputs: { name: id } };
  },
  "gcp:managedkafka/acl:Acl": ({ inputs, call, project, name, seed }) => {
    const id = `projects/${project()}/locations/${regionOf(inputs, call.config)}/clusters/${text(inputs, "cluster") ?? ""}/acls/${text(inputs, "aclId") ?? name}`;
    return { id, outputs: { name: id, etag: hexId(seed, 16) } };
  },
};

/** Values an update keeps (the API does not regenerate them): certificates, AUTH strings, ids. */
const STICKY = ["serverCaCerts", "authString", "uniqueId", "createTime", "creationTime", "managedZoneId", "numericId"];

function sticky(call: ResourceCall): Properties {
  const old = call.old?.outputs ?? {};
  return Object.fromEntries(STICKY.filter((key) => old[key] !== undefined && old[key] !== null).map((key) => [key, old[key]!]));
}

/** The first usable address of an IPv4 CIDR (a subnet's gateway). */
function firstHost(cidr: string): string {
  const [address, bits] = cidr.split("/");
  const octets = (address ?? "").split(".").map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet))) return "";
  const value = octets.reduce((all, octet) => all * 256 + octet, 0);
  const network = value - (value % 2 ** (32 - Number(bits)));
  const gateway = network + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(gateway / 2 ** shift) % 256).join(".");
}

const FUNCTIONS: Record<string, PackageFunction> = {
  "gcp:organizations/getProject:getProject": (args, config) => {
    const projectId = text(args, "projectId") ?? projectOf(args, config, "getProject");
    return { projectId, number: projectNumber(projectId), name: projectId, id: `projects/${projectId}`, labels: {}, autoCreateNetwork: true };
  },
  "gcp:organizations/getClientConfig:getClientConfig": (_args, config) => {
    const project = projectOf({}, config, "getClientConfig");
    return { id: `projects/${project}/regions/${text(config, "region") ?? ""}/zones/${text(config, "zone") ?? ""}`, project, region: text(config, "region") ?? "", zone: text(config, "zone") ?? "", accessToken: secret("stand-in-access-token"), defaultLabels: {} };
  },
};

export const gcpBehaviour: PackageBehaviour = {
  name: "gcp",
  async compute(call: ResourceCall): Promise<Computed> {
    const inputs = call.inputs;
    const name = text(inputs, "name") ?? call.name;
    const context: Context = { call, inputs, name, seed: call.urn, project: () => projectOf(inputs, call.config, call.type) };
    const computed = await (COMPUTE[call.type] ?? NOTHING)(context);
    const project = text(inputs, "project") ?? text(call.config, "project");
    const withProject: Properties = WITHOUT_PROJECT.has(call.type) || !project ? {} : { project };
    return { id: call.old?.id ?? computed.id, outputs: { ...withProject, ...labelOutputs(inputs, call.config), ...computed.outputs, ...sticky(call) } };
  },
  // The real ForceNew set is in the Terraform provider's schema, which is not here: never replace.
  replaces: () => [],
  functions: FUNCTIONS,
};
