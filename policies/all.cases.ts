/** Every area's examples, for the tests that run them all. */
import { cloudSqlCases } from "./cloudsql/cloudsql.cases";
import { firewallCases } from "./firewall/firewall.cases";
import { gkeCases } from "./gke/gke.cases";
import { iamCases } from "./iam/iam.cases";
import { kafkaCases } from "./kafka/kafka.cases";
import { kmsCases } from "./kms/kms.cases";
import { computeCases } from "./compute/compute.cases";
import { kubernetesCases } from "./kubernetes/kubernetes.cases";
import { podSecurityCases } from "./kubernetes/pod-security.cases";
import { rbacCases } from "./rbac/rbac.cases";
import { storageCases } from "./storage/storage.cases";
import { artifactRegistryCases } from "./artifactregistry/artifact-registry.cases";
import { labelCases } from "./labels/labels.cases";
import { redisCases } from "./redis/redis.cases";
import { secretCases } from "./secrets/secrets.cases";
import { tenantCases } from "./tenants/tenants.cases";
import type { PolicyCases } from "./testing/examples";

export const allCases: readonly PolicyCases[] = [
  ...gkeCases,
  ...cloudSqlCases,
  ...redisCases,
  ...kafkaCases,
  ...kmsCases,
  ...iamCases,
  ...firewallCases,
  ...kubernetesCases,
  ...podSecurityCases,
  ...rbacCases,
  ...storageCases,
  ...artifactRegistryCases,
  ...computeCases,
  ...tenantCases,
  ...labelCases,
  ...secretCases,
];
