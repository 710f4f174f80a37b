/**
 * Every Armature policy, in one list. This module only builds plain policy objects: the CLI's
 * PolicyPack (index.ts) and the offline plan (tools/plan/policy-analyzer.ts) both run this list.
 */
import { gkeBinaryAuthorization } from "./gke/gke-binary-authorization";
import { gkeClientCertificateDisabled } from "./gke/gke-client-certificate-disabled";
import { gkeDataplaneV2 } from "./gke/gke-dataplane-v2";
import { gkeDeletionProtection } from "./gke/gke-deletion-protection";
import { gkeGatewayApi } from "./gke/gke-gateway-api";
import { gkeLegacyAbacDisabled } from "./gke/gke-legacy-abac-disabled";
import { gkeLoggingMonitoring } from "./gke/gke-logging-monitoring";
import { gkeMaintenanceWindow } from "./gke/gke-maintenance-window";
import { gkeManagedPrometheus } from "./gke/gke-managed-prometheus";
import { gkeMasterAuthorizedNetworks } from "./gke/gke-master-authorized-networks";
import { gkeNodePoolAutoRepair } from "./gke/gke-node-pool-auto-repair";
import { gkeNodePoolAutoUpgrade } from "./gke/gke-node-pool-auto-upgrade";
import { gkeNodePoolCosImage } from "./gke/gke-node-pool-cos-image";
import { gkeNodePoolMetadataServer } from "./gke/gke-node-pool-metadata-server";
import { gkeNodePoolPrivateNodes } from "./gke/gke-node-pool-private-nodes";
import { gkeNodePoolSecureBoot } from "./gke/gke-node-pool-secure-boot";
import { gkeNodePoolServiceAccount } from "./gke/gke-node-pool-service-account";
import { gkeNodePoolSurgeUpgrade } from "./gke/gke-node-pool-surge-upgrade";
import { gkePrivateEndpoint } from "./gke/gke-private-endpoint";
import { gkePrivateNodes } from "./gke/gke-private-nodes";
import { gkeRegional } from "./gke/gke-regional";
import { gkeReleaseChannel } from "./gke/gke-release-channel";
import { gkeRemoveDefaultNodePool } from "./gke/gke-remove-default-node-pool";
import { gkeShieldedNodes } from "./gke/gke-shielded-nodes";
import { gkeSpotPoolTainted } from "./gke/gke-spot-pool-tainted";
import { gkeWorkloadIdentity } from "./gke/gke-workload-identity";
import { sqlBackupsPitr } from "./cloudsql/sql-backups-pitr";
import { sqlDeletionProtection } from "./cloudsql/sql-deletion-protection";
import { sqlHighAvailability } from "./cloudsql/sql-high-availability";
import { sqlIamAuthentication } from "./cloudsql/sql-iam-authentication";
import { sqlMaintenanceWindow } from "./cloudsql/sql-maintenance-window";
import { sqlNoPublicIp } from "./cloudsql/sql-no-public-ip";
import { sqlQueryInsights } from "./cloudsql/sql-query-insights";
import { sqlSslRequired } from "./cloudsql/sql-ssl-required";
import { redisAuth } from "./redis/redis-auth";
import { redisHighAvailability } from "./redis/redis-high-availability";
import { redisMaintenancePolicy } from "./redis/redis-maintenance-policy";
import { redisPersistence } from "./redis/redis-persistence";
import { redisPrivateServiceAccess } from "./redis/redis-private-service-access";
import { redisTransitEncryption } from "./redis/redis-transit-encryption";
import { kafkaAclLeastPrivilege } from "./kafka/kafka-acl-least-privilege";
import { kafkaTopicExplicitSettings } from "./kafka/kafka-topic-explicit-settings";
import { kafkaTopicNaming } from "./kafka/kafka-topic-naming";
import { kafkaTopicReplication } from "./kafka/kafka-topic-replication";
import { kmsKeyRotation } from "./kms/kms-key-rotation";
import { iamNoPrimitiveRolesForServiceAccounts } from "./iam/iam-no-primitive-roles-for-service-accounts";
import { iamNoProjectServiceAccountUser } from "./iam/iam-no-project-service-account-user";
import { iamNoPublicMembers } from "./iam/iam-no-public-members";
import { iamNoServiceAccountKeys } from "./iam/iam-no-service-account-keys";
import { firewallNoWorldIngress } from "./firewall/firewall-no-world-ingress";
import { firewallPublicSourcesDeclared } from "./firewall/firewall-public-sources-declared";
import { k8sDropCapabilities } from "./kubernetes/k8s-drop-capabilities";
import { k8sGracefulTermination } from "./kubernetes/k8s-graceful-termination";
import { k8sImagePinned } from "./kubernetes/k8s-image-pinned";
import { k8sLivenessProbe } from "./kubernetes/k8s-liveness-probe";
import { k8sMinReplicas } from "./kubernetes/k8s-min-replicas";
import { k8sNoHostNamespaces } from "./kubernetes/k8s-no-host-namespaces";
import { k8sNoLoadBalancerService } from "./kubernetes/k8s-no-load-balancer-service";
import { k8sNoPrivilegeEscalation } from "./kubernetes/k8s-no-privilege-escalation";
import { k8sPodDisruptionBudget } from "./kubernetes/k8s-pod-disruption-budget";
import { k8sReadOnlyRootFilesystem } from "./kubernetes/k8s-read-only-root-filesystem";
import { k8sReadinessProbe } from "./kubernetes/k8s-readiness-probe";
import { k8sResourceLimits } from "./kubernetes/k8s-resource-limits";
import { k8sResourceRequests } from "./kubernetes/k8s-resource-requests";
import { k8sRunAsNonRoot } from "./kubernetes/k8s-run-as-non-root";
import { k8sServiceAccountToken } from "./kubernetes/k8s-service-account-token";
import { k8sStartupProbe } from "./kubernetes/k8s-startup-probe";
import { k8sTopologySpread } from "./kubernetes/k8s-topology-spread";
import { k8sApparmorProfile } from "./kubernetes/k8s-apparmor-profile";
import { k8sNetworkPolicyNoWorldIngress } from "./kubernetes/k8s-network-policy-no-world-ingress";
import { k8sNoExternalIps } from "./kubernetes/k8s-no-external-ips";
import { k8sNoIngress } from "./kubernetes/k8s-no-ingress";
import { k8sNoNodePortService } from "./kubernetes/k8s-no-node-port-service";
import { k8sNoWindowsHostProcess } from "./kubernetes/k8s-no-windows-host-process";
import { k8sProcMountDefault } from "./kubernetes/k8s-proc-mount-default";
import { k8sRestrictedVolumeTypes } from "./kubernetes/k8s-restricted-volume-types";
import { k8sSafeSysctls } from "./kubernetes/k8s-safe-sysctls";
import { k8sSeccompProfile } from "./kubernetes/k8s-seccomp-profile";
import { k8sSelinuxOptions } from "./kubernetes/k8s-selinux-options";
import { rbacNoClusterAdminBinding } from "./rbac/rbac-no-cluster-admin-binding";
import { rbacNoEscalationVerbs } from "./rbac/rbac-no-escalation-verbs";
import { rbacNoTenantClusterRoleBinding } from "./rbac/rbac-no-tenant-cluster-role-binding";
import { rbacNoWildcardRules } from "./rbac/rbac-no-wildcard-rules";
import { storagePublicAccessPrevention } from "./storage/storage-public-access-prevention";
import { storageUniformBucketLevelAccess } from "./storage/storage-uniform-bucket-level-access";
import { artifactRegistryVulnerabilityScanning } from "./artifactregistry/artifact-registry-vulnerability-scanning";
import { computeNoExternalIp } from "./compute/compute-no-external-ip";
import { namespacePodSecurityStandard } from "./tenants/namespace-pod-security-standard";
import { tenantNamespaceIsolation } from "./tenants/tenant-namespace-isolation";
import { labelsGcpRequired } from "./labels/labels-gcp-required";
import { labelsK8sRequired } from "./labels/labels-k8s-required";
import { secretsNoPlaintext } from "./secrets/secrets-no-plaintext";
import type { ArmaturePolicy } from "./policy";

export const policies: readonly ArmaturePolicy[] = [
  // gke
  gkeBinaryAuthorization,
  gkeClientCertificateDisabled,
  gkeDataplaneV2,
  gkeDeletionProtection,
  gkeGatewayApi,
  gkeLegacyAbacDisabled,
  gkeLoggingMonitoring,
  gkeMaintenanceWindow,
  gkeManagedPrometheus,
  gkeMasterAuthorizedNetworks,
  gkeNodePoolAutoRepair,
  gkeNodePoolAutoUpgrade,
  gkeNodePoolCosImage,
  gkeNodePoolMetadataServer,
  gkeNodePoolPrivateNodes,
  gkeNodePoolSecureBoot,
  gkeNodePoolServiceAccount,
  gkeNodePoolSurgeUpgrade,
  gkePrivateEndpoint,
  gkePrivateNodes,
  gkeRegional,
  gkeReleaseChannel,
  gkeRemoveDefaultNodePool,
  gkeShieldedNodes,
  gkeSpotPoolTainted,
  gkeWorkloadIdentity,
  // cloudsql
  sqlBackupsPitr,
  sqlDeletionProtection,
  sqlHighAvailability,
  sqlIamAuthentication,
  sqlMaintenanceWindow,
  sqlNoPublicIp,
  sqlQueryInsights,
  sqlSslRequired,
  // redis
  redisAuth,
  redisHighAvailability,
  redisMaintenancePolicy,
  redisPersistence,
  redisPrivateServiceAccess,
  redisTransitEncryption,
  // kafka
  kafkaAclLeastPrivilege,
  kafkaTopicExplicitSettings,
  kafkaTopicNaming,
  kafkaTopicReplication,
  // kms
  kmsKeyRotation,
  // iam
  iamNoPrimitiveRolesForServiceAccounts,
  iamNoProjectServiceAccountUser,
  iamNoPublicMembers,
  iamNoServiceAccountKeys,
  // firewall
  firewallNoWorldIngress,
  firewallPublicSourcesDeclared,
  // kubernetes
  k8sDropCapabilities,
  k8sGracefulTermination,
  k8sImagePinned,
  k8sLivenessProbe,
  k8sMinReplicas,
  k8sNoHostNamespaces,
  k8sNoLoadBalancerService,
  k8sNoPrivilegeEscalation,
  k8sPodDisruptionBudget,
  k8sReadOnlyRootFilesystem,
  k8sReadinessProbe,
  k8sResourceLimits,
  k8sResourceRequests,
  k8sRunAsNonRoot,
  k8sServiceAccountToken,
  k8sStartupProbe,
  k8sTopologySpread,
  // pod security standards (the controls the workload policies above do not cover)
  k8sSeccompProfile,
  k8sRestrictedVolumeTypes,
  k8sApparmorProfile,
  k8sSelinuxOptions,
  k8sProcMountDefault,
  k8sSafeSysctls,
  k8sNoWindowsHostProcess,
  // side doors around the platform Gateway
  k8sNoNodePortService,
  k8sNoExternalIps,
  k8sNoIngress,
  k8sNetworkPolicyNoWorldIngress,
  // rbac
  rbacNoClusterAdminBinding,
  rbacNoTenantClusterRoleBinding,
  rbacNoWildcardRules,
  rbacNoEscalationVerbs,
  // storage
  storageUniformBucketLevelAccess,
  storagePublicAccessPrevention,
  // artifact registry
  artifactRegistryVulnerabilityScanning,
  // compute
  computeNoExternalIp,
  // tenants
  namespacePodSecurityStandard,
  tenantNamespaceIsolation,
  // labels
  labelsGcpRequired,
  labelsK8sRequired,
  // secrets
  secretsNoPlaintext,
];
