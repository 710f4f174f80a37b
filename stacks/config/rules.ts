/**
 * Rules that relate several config keys to each other, or to the stack name. They run after the
 * schema has accepted every key, so they can rely on the types.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { CONTROL_PLANE_PREFIX, type Cidr, cidrsOverlap, isPrivateCidr, parseCidr } from "../../components/shared/cidr";
import { authorisationProblems } from "./authorisation";
import { healthScalingProblems } from "./health-scaling";
import { type ConfigPath, type ConfigProblem, keyPath, problem } from "./problems";
import { CHART_NAMES, type NodePoolConfig, type OrgBranch, type PlainStackConfig } from "./schema";
import { PLATFORM_TENANT } from "./platform-tenant";
import { fromProjectRoot } from "./project-root";

export const EPHEMERAL_STACK = /^pr-(\d+)$/;
const MAX_BRANCH_DEPTH = 6;

export function crossKeyProblems(config: PlainStackConfig, stack: string): ConfigProblem[] {
  return [
    ...stackNameProblems(config, stack),
    ...networkProblems(config),
    ...nodePoolProblems(config),
    ...tenantProblems(config),
    ...authorisationProblems(config),
    ...kafkaProblems(config),
    ...healthScalingProblems(config),
    ...chartProblems(config),
    ...productionProblems(config),
  ];
}

function stackNameProblems(config: PlainStackConfig, stack: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const pr = EPHEMERAL_STACK.exec(stack);
  if (stack === "prod" && config.environment !== "prod") {
    problems.push(problem(["environment"], config.environment, `"prod" for the stack named prod`));
  }
  if (pr && config.environment !== "ephemeral") {
    problems.push(problem(["environment"], config.environment, `"ephemeral" for the pull-request stack ${stack}`));
  }
  if (config.environment === "ephemeral" && !config.ephemeral) {
    problems.push(problem(["ephemeral"], undefined, "{ pullRequest, ttlHours } for an ephemeral stack"));
  }
  if (config.environment !== "ephemeral" && config.ephemeral) {
    problems.push(problem(["ephemeral"], config.ephemeral, `no ephemeral block in a ${config.environment} stack`));
  }
  if (pr && config.ephemeral && config.ephemeral.pullRequest !== Number(pr[1])) {
    problems.push(problem(["ephemeral", "pullRequest"], config.ephemeral.pullRequest, `${pr[1]}, from the stack name ${stack}`));
  }
  return problems;
}

type RangeKey = keyof PlainStackConfig["network"];
const SINGLE_RANGES: RangeKey[] = [
  "nodes", "pods", "services", "workerNodes", "workerPods", "workerServices",
  "proxyOnly", "privateServiceAccess", "servicesMaster", "workersMaster",
];

function networkProblems(config: PlainStackConfig): ConfigProblem[] {
  const { network } = config;
  const problems: ConfigProblem[] = [];
  const seen: { path: ConfigPath; cidr: Cidr }[] = [];
  for (const key of SINGLE_RANGES) {
    const text = network[key];
    if (typeof text !== "string") continue;
    const cidr = parseCidr(text)!;
    const path = ["network", key];
    const clash = seen.find((other) => cidrsOverlap(other.cidr, cidr));
    if (clash) {
      problems.push(problem(path, text, `a range that does not overlap ${keyPath(clash.path)} (${clash.cidr.text})`));
    }
    seen.push({ path, cidr });
  }
  for (const key of ["servicesMaster", "workersMaster"] as const) {
    const cidr = network[key] ? parseCidr(network[key]) : undefined;
    if (cidr && cidr.prefix !== CONTROL_PLANE_PREFIX) problems.push(problem(["network", key], cidr.text, "a /28 range (GKE control planes use exactly /28)"));
  }
  const psa = parseCidr(network.privateServiceAccess)!;
  if (psa.prefix > 24) {
    problems.push(problem(["network", "privateServiceAccess"], psa.text, "a /24 or larger range (private services access needs at least /24)"));
  }
  const proxy = parseCidr(network.proxyOnly)!;
  if (proxy.prefix > 26) {
    problems.push(problem(["network", "proxyOnly"], proxy.text, "a /26 or larger range (GCP proxy-only subnets need at least /26)"));
  }
  network.masterAuthorizedCidrs.forEach((text, index) => {
    const cidr = parseCidr(text)!;
    if (!isPrivateCidr(cidr)) {
      problems.push(problem(["network", "masterAuthorizedCidrs", index], text, "a private (RFC 1918) range: control planes are reachable from internal networks only"));
    }
  });
  if (config.clusters.workers.placement === "separate-cluster") {
    for (const key of ["workerNodes", "workerPods", "workerServices", "workersMaster"] as const) {
      if (!network[key]) problems.push(problem(["network", key], undefined, "a CIDR range, because clusters.workers.placement is separate-cluster"));
    }
  }
  return problems;
}

function nodePoolProblems(config: PlainStackConfig): ConfigProblem[] {
  const pools: [ConfigPath, NodePoolConfig | undefined][] = [
    [["clusters", "services", "onDemandPool"], config.clusters.services.onDemandPool],
    [["clusters", "services", "spotPool"], config.clusters.services.spotPool],
    [["clusters", "workers", "spotPool"], config.clusters.workers.spotPool],
    [["clusters", "workers", "onDemandPool"], config.clusters.workers.onDemandPool],
  ];
  const problems = pools.flatMap(([path, pool]) =>
    pool && pool.minNodesPerZone > pool.maxNodesPerZone
      ? [problem([...path, "minNodesPerZone"], pool.minNodesPerZone, `at most maxNodesPerZone (${pool.maxNodesPerZone})`)]
      : [],
  );
  const workerSpot = config.clusters.workers.spotPool;
  if (workerSpot.minNodesPerZone !== 0) {
    problems.push(problem(["clusters", "workers", "spotPool", "minNodesPerZone"], workerSpot.minNodesPerZone, "0 (worker capacity scales from zero, so an idle stack costs nothing)"));
  }
  return problems;
}

function tenantProblems(config: PlainStackConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const tenantIndex = new Map<string, number>();
  // A tenant's Kafka ACLs cover every topic starting "<id>.": a platform topic domain must not be a tenant id.
  const topicDomains = new Set(config.kafka.topics.map((topic) => topic.name.split(".")[0]!));
  config.tenants.forEach((tenant, index) => {
    if (tenant.id === PLATFORM_TENANT || topicDomains.has(tenant.id)) {
      const clash = tenant.id === PLATFORM_TENANT ? "the label value of shared platform resources" : `the domain of platform Kafka topics (${tenant.id}.*), which its topic-prefix ACL would cover`;
      problems.push(problem(["tenants", index, "id"], tenant.id, `a tenant id other than ${JSON.stringify(tenant.id)}, which is ${clash}`));
    }
    const first = tenantIndex.get(tenant.id);
    if (first !== undefined) {
      problems.push(problem(["tenants", index, "id"], tenant.id, `a tenant id not already used by armature:tenants[${first}]`));
    } else {
      tenantIndex.set(tenant.id, index);
    }
    const branchIds = new Set<string>();
    const visit = (branches: OrgBranch[], path: ConfigPath, depth: number) => {
      branches.forEach((branch, position) => {
        const branchPath = [...path, position];
        if (branchIds.has(branch.id)) {
          problems.push(problem([...branchPath, "id"], branch.id, `a branch id unique within tenant ${tenant.id}`));
        }
        branchIds.add(branch.id);
        if (depth > MAX_BRANCH_DEPTH) {
          problems.push(problem(branchPath, branch.id, `organisation branches nested at most ${MAX_BRANCH_DEPTH} deep`));
        }
        if (branch.children) visit(branch.children, [...branchPath, "children"], depth + 1);
      });
    };
    visit(tenant.branches, ["tenants", index, "branches"], 1);
  });
  return problems;
}

function kafkaProblems(config: PlainStackConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { kafka } = config;
  if (kafka.memoryGb < kafka.vcpuCount || kafka.memoryGb > kafka.vcpuCount * 8) {
    problems.push(problem(["kafka", "memoryGb"], kafka.memoryGb, `1 to 8 GiB per vCPU: ${kafka.vcpuCount} to ${kafka.vcpuCount * 8} for vcpuCount ${kafka.vcpuCount}`));
  }
  const names = new Map<string, number>();
  kafka.topics.forEach((topic, index) => {
    const first = names.get(topic.name);
    if (first !== undefined) {
      problems.push(problem(["kafka", "topics", index, "name"], topic.name, `a topic name not already declared by armature:kafka.topics[${first}]`));
    }
    names.set(topic.name, index);
    if (config.environment === "prod" && topic.replication < 3) {
      problems.push(problem(["kafka", "topics", index, "replication"], topic.replication, "3 or more in prod (one replica per zone)"));
    }
  });
  return problems;
}

function productionProblems(config: PlainStackConfig): ConfigProblem[] {
  if (config.environment !== "prod") return [];
  const problems: ConfigProblem[] = [];
  if (!config.deletionProtection) {
    problems.push(problem(["deletionProtection"], false, "true in prod (data services and clusters must not be deletable by one `pulumi up`)"));
  }
  if (config.postgres.availability !== "REGIONAL") {
    problems.push(problem(["postgres", "availability"], config.postgres.availability, "REGIONAL in prod (high availability)"));
  }
  if (config.redis.tier !== "STANDARD_HA") {
    problems.push(problem(["redis", "tier"], config.redis.tier, "STANDARD_HA in prod (high availability)"));
  }
  if (config.kubernetes?.awaitReadiness === false) {
    problems.push(problem(["kubernetes", "awaitReadiness"], false, "true or unset in prod (`pulumi up` must wait until workloads are ready)"));
  }
  return problems;
}

function chartProblems(config: PlainStackConfig): ConfigProblem[] {
  return CHART_NAMES.flatMap((name) => {
    const source = config.charts?.[name];
    if (!source) return [];
    if ((source.path === undefined) === (source.repository === undefined)) {
      return [problem(["charts", name], source, "exactly one of `path` (a chart folder) and `repository` (a Helm repository URL)")];
    }
    if (source.path !== undefined && !existsSync(path.join(fromProjectRoot(source.path), "Chart.yaml"))) {
      return [problem(["charts", name, "path"], source.path, "a folder holding a Helm chart (its Chart.yaml), relative to Pulumi.yaml")];
    }
    return [];
  });
}
