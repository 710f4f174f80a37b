/**
 * Tenants in the real dev plan: each tenant's isolation objects, shown in the plan as people read it,
 * referring to that tenant alone; and a third tenant added as one config entry. Two plans, run once.
 */
/* eslint-disable @typescript-eslint/no-unsafe-return -- tests read provider inputs of every shape */
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { AnalyzedResource } from "../tools/plan/analyzer";
import { renderText } from "../tools/plan/render-text";
import { type CapturedPlan, planDevStack, withVaultConfigured } from "../tools/plan/testing";

const TENANT = "armature:tenants:Tenant";
const DEV = parse(readFileSync(path.join(__dirname, "../Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
const TENANTS = (DEV.config["armature:tenants"] as { id: string; team: string }[]);
const THIRD_TENANT = `    - id: initech
      displayName: Initech
      tier: starter
      branches:
        - id: global
          children:
            - id: emea
`;

let dev: CapturedPlan;
let withThird: CapturedPlan;

beforeAll(async () => {
  dev = await planDevStack(withVaultConfigured);
  withThird = await planDevStack((text) => withVaultConfigured(text).replace(/^(\s*armature:apps:)/m, `${THIRD_TENANT}\n$1`));
}, 120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- provider inputs of every shape
const inputs = (resource: AnalyzedResource) => resource.inputs as Record<string, any>;

function tenantParts(plan: CapturedPlan, id: string) {
  const tenant = plan.one(TENANT, id);
  const parts = plan.descendants(tenant);
  const ofType = (type: string) => parts.filter((part) => part.type === type);
  return { tenant, parts, ofType };
}

describe("each tenant in the dev plan", () => {
  it("is configured twice over in Pulumi.dev.yaml, each with nested branches", () => {
    expect(TENANTS.map((tenant) => tenant.id)).toEqual(["acme", "globex"]);
  });

  it.each(TENANTS.map((tenant) => [tenant.id, tenant.team]))("%s has its namespace, quota, limit range, network fence, accounts, database, topics, Vault policy and KMS key", (id, team) => {
    const { ofType } = tenantParts(dev, id);
    const namespace = `tenant-${id}`;
    const [ns] = ofType("kubernetes:core/v1:Namespace");
    expect(inputs(ns!).metadata).toMatchObject({
      name: namespace,
      labels: { tenant: id, team, environment: "dev", "pod-security.kubernetes.io/enforce": "restricted" },
    });
    for (const type of ["kubernetes:core/v1:ResourceQuota", "kubernetes:core/v1:LimitRange"]) {
      expect(ofType(type).map((part) => inputs(part).metadata.namespace), type).toEqual([namespace]);
    }
    expect(inputs(ofType("kubernetes:core/v1:ResourceQuota")[0]!).spec.hard).toMatchObject({ "services.loadbalancers": "0" });

    const policies = Object.fromEntries(ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((part) => [inputs(part).metadata.name, inputs(part).spec]));
    expect(policies["default-deny"]).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
    expect(Object.keys(policies).sort()).toEqual(["allow-data-services", "allow-dns", "allow-gateway", "allow-google-apis", "allow-metrics-scrape", "allow-platform-apps", "allow-same-namespace", "default-deny"]);

    const [gsa] = ofType("gcp:serviceaccount/account:Account");
    expect(inputs(gsa!).accountId).toBe(`armature-dev-t-${id}`);
    const [ksa] = ofType("kubernetes:core/v1:ServiceAccount");
    expect(inputs(ksa!)).toMatchObject({ automountServiceAccountToken: false, metadata: { name: id, namespace } });
    // The GCP service account's email, as the (mock) provider returned it.
    const email = inputs(ksa!).metadata.annotations["iam.gke.io/gcp-service-account"] as string;
    expect(email).toMatch(new RegExp(`^armature-dev-t-${id}@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$`));
    expect(ofType("gcp:serviceaccount/iAMMember:IAMMember").map((part) => inputs(part).member)).toEqual([`serviceAccount:armature-dev-4821.svc.id.goog[${namespace}/${id}]`]);

    expect(ofType("gcp:sql/database:Database").map((part) => inputs(part).name)).toEqual([`tenant_${id}`]);
    expect(ofType("gcp:sql/user:User").map((part) => [inputs(part).type, inputs(part).name]).sort()).toEqual([
      ["BUILT_IN", `tenant_${id}`],
      ["CLOUD_IAM_SERVICE_ACCOUNT", email.replace(/\.gserviceaccount\.com$/, "")],
    ]);
    expect(ofType("kubernetes:core/v1:Secret").map((part) => inputs(part).metadata.namespace)).toEqual([namespace]);

    const acls = ofType("gcp:managedkafka/acl:Acl").map((part) => [inputs(part).aclId, inputs(part).aclEntries.map((entry: { principal: string }) => entry.principal)]);
    expect(acls.sort()).toEqual([
      [`consumerGroupPrefixed/${id}.`, [`User:${email}`]],
      [`topicPrefixed/${id}.`, [`User:${email}`, `User:${email}`, `User:${email}`]],
    ]);

    expect(inputs(ofType("vault:index/mount:Mount")[0]!)).toMatchObject({ path: `tenants/${id}`, type: "kv" });
    expect(inputs(ofType("vault:index/policy:Policy")[0]!).policy).toContain(`path "tenants/${id}/data/*"`);
    expect(inputs(ofType("vault:kubernetes/authBackendRole:AuthBackendRole")[0]!)).toMatchObject({
      boundServiceAccountNames: [id],
      boundServiceAccountNamespaces: [namespace],
      tokenPolicies: [`tenant-${id}`],
    });

    expect(ofType("gcp:kms/cryptoKey:CryptoKey")).toHaveLength(1);
    expect(ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").map((part) => inputs(part).member)).toEqual([`serviceAccount:${email}`]);
  });

  it("shows every one of those objects in `npm run plan -- dev`, under its tenant", () => {
    const text = renderText(dev.document, "Pulumi.dev.yaml");
    for (const { id } of TENANTS) {
      const block = text.slice(text.indexOf(`─ ${id}  [${TENANT}]`));
      const section = block.slice(0, block.indexOf("\n├─ ", 1) >= 0 ? block.indexOf("\n├─ ", 1) : undefined);
      for (const line of [
        `${id}-namespace  [kubernetes:core/v1:Namespace]`,
        `${id}-quota  [kubernetes:core/v1:ResourceQuota]`,
        `${id}-limits  [kubernetes:core/v1:LimitRange]`,
        `${id}-default-deny  [kubernetes:networking.k8s.io/v1:NetworkPolicy]`,
        `${id}-allow-dns  [kubernetes:networking.k8s.io/v1:NetworkPolicy]`,
        `${id}-workload  [kubernetes:core/v1:ServiceAccount]`,
        `${id}-tenant  [gcp:serviceaccount/account:Account]`,
        `${id}-database  [gcp:sql/database:Database]`,
        `${id}-database  [gcp:sql/user:User]`,
        `${id}-topics  [gcp:managedkafka/acl:Acl]`,
        `${id}-groups  [gcp:managedkafka/acl:Acl]`,
        `${id}-secrets  [vault:index/policy:Policy]`,
        `${id}-data  [gcp:kms/cryptoKey:CryptoKey]`,
      ]) {
        expect(section, `tenant ${id}`).toContain(line);
      }
    }
  });

  it("keeps each tenant's objects to that tenant: its namespace, its labels, its accounts, no other tenant named", () => {
    const ids = TENANTS.map((tenant) => tenant.id);
    for (const id of ids) {
      const { parts } = tenantParts(dev, id);
      expect(parts.length).toBeGreaterThan(25);
      const others = ids.filter((other) => other !== id);
      for (const part of parts) {
        const text = JSON.stringify(part.inputs);
        for (const other of others) expect(text, `${part.type} ${part.name} names tenant ${other}`).not.toMatch(new RegExp(`\\b${other}\\b`));
        if (!part.type.startsWith("kubernetes:")) continue;
        const metadata = inputs(part).metadata as { namespace?: string; name: string; labels: Record<string, string> };
        expect(metadata.labels["tenant"], `${part.type} ${part.name}`).toBe(id);
        if (part.type !== "kubernetes:core/v1:Namespace") expect(metadata.namespace, `${part.type} ${part.name}`).toBe(`tenant-${id}`);
      }
      // Network peers: the tenant's own pods, or shared platform namespaces, never another tenant's.
      for (const policy of parts.filter((part) => part.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")) {
        const peers = [...(inputs(policy).spec.ingress ?? []).flatMap((rule: { from?: unknown[] }) => rule.from ?? []), ...(inputs(policy).spec.egress ?? []).flatMap((rule: { to?: unknown[] }) => rule.to ?? [])];
        for (const peer of peers as { namespaceSelector?: { matchLabels: Record<string, string> } }[]) {
          const namespace = peer.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"];
          if (namespace !== undefined) expect(["kube-system", "platform", "vault", "gmp-system"], `${policy.name}`).toContain(namespace);
        }
      }
    }
    // Nothing outside a tenant's subtree refers to its namespace (no back door from shared objects).
    const tenantUrns = new Set(ids.flatMap((id) => [dev.one(TENANT, id), ...tenantParts(dev, id).parts].map((part) => part.urn)));
    for (const resource of dev.resources.filter((candidate) => !tenantUrns.has(candidate.urn))) {
      expect(JSON.stringify(resource.inputs), `${resource.type} ${resource.name}`).not.toMatch(/tenant-(acme|globex)\b/);
    }
  });

  it("writes the organisation tree as labels and data: ancestry of each branch, for other components", () => {
    const { ofType } = tenantParts(dev, "acme");
    const namespaceLabels = inputs(ofType("kubernetes:core/v1:Namespace")[0]!).metadata.labels as Record<string, string>;
    expect(namespaceLabels["branch.armature.dev/global"]).toBe("true");
    const data = ofType("kubernetes:core/v1:ConfigMap").find((part) => inputs(part).metadata.name === "org-branches")!;
    const branches = JSON.parse(inputs(data).data["branches.json"] as string) as { id: string; path: string[] }[];
    expect(branches.find((branch) => branch.id === "france")?.path).toEqual(["global", "eu", "france"]);
  });
});

describe("a third tenant", () => {
  it("is one config entry: it adds exactly one tenant's objects and changes nothing else", () => {
    const before = new Map(dev.document.resources.map((resource) => [resource.urn, resource]));
    const added = withThird.document.resources.filter((resource) => !before.has(resource.urn));
    const changedAll = withThird.document.resources.filter((resource) => before.has(resource.urn) && JSON.stringify(resource.inputs) !== JSON.stringify(before.get(resource.urn)!.inputs));
    // The platform apps' authorisation rules list every tenant (apps/kit/README.md, Authorisation): they gain initech, nothing else.
    const isRules = (resource: { type: string; name: string }) => resource.type === "kubernetes:core/v1:ConfigMap" && /-authorisation$/.test(resource.name);
    const tenantsIn = (resource: { inputs: unknown }) => (JSON.parse((resource.inputs as { data: Record<string, string> }).data["rules.json"]!) as { tenants: { id: string }[] }).tenants.map((tenant) => tenant.id);
    for (const rules of changedAll.filter(isRules)) expect(tenantsIn(rules)).toEqual([...tenantsIn(before.get(rules.urn)!), "initech"]);
    expect(changedAll.filter(isRules).map((resource) => resource.name).sort()).toEqual(["apps-authorisation", "apps-workers-authorisation"]);
    const changed = changedAll.filter((resource) => !isRules(resource));
    const removed = dev.document.resources.filter((resource) => !withThird.document.resources.some((other) => other.urn === resource.urn));

    const initech = withThird.one(TENANT, "initech");
    const initechUrns = new Set([initech.urn, ...withThird.descendants(initech).map((part) => part.urn)]);
    const perTenant = 1 + tenantParts(dev, "acme").parts.length;
    console.log(`third tenant: ${added.length} new resources (${perTenant} per tenant), ${changed.length} changed, ${removed.length} removed`);
    expect(added.map((resource) => resource.urn).sort()).toEqual([...initechUrns].sort());
    expect(added).toHaveLength(perTenant);
    expect(changed).toEqual([]);
    expect(removed).toEqual([]);
  });
});
