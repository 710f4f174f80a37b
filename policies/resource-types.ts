/** The resource type tokens the policies check (Google provider v9, Kubernetes provider v4). */
export const GKE_CLUSTER = "gcp:container/cluster:Cluster";
export const GKE_NODE_POOL = "gcp:container/nodePool:NodePool";
export const SQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
export const REDIS_INSTANCE = "gcp:redis/instance:Instance";
export const MANAGED_KAFKA_TOPIC = "gcp:managedkafka/topic:Topic";
export const MANAGED_KAFKA_ACL = "gcp:managedkafka/acl:Acl";
export const KAFKA_TOPIC = "kafka:index/topic:Topic";
export const KAFKA_ACL = "kafka:index/acl:Acl";
export const KMS_CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey";
export const FIREWALL = "gcp:compute/firewall:Firewall";
export const SERVICE_ACCOUNT_KEY = "gcp:serviceaccount/key:Key";
export const K8S_NAMESPACE = "kubernetes:core/v1:Namespace";
export const K8S_SERVICE = "kubernetes:core/v1:Service";
export const K8S_RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota";
export const K8S_LIMIT_RANGE = "kubernetes:core/v1:LimitRange";
export const K8S_NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
export const K8S_POD_DISRUPTION_BUDGET = "kubernetes:policy/v1:PodDisruptionBudget";
export const K8S_HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
/** KEDA's autoscaler (a custom resource): it creates and drives an HPA of its own. */
export const KEDA_SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
export const K8S_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
export const K8S_CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
export const K8S_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
export const K8S_CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
/** Ingress in every API version the Kubernetes provider still serves. */
export const K8S_INGRESS_TYPES = [
  "kubernetes:networking.k8s.io/v1:Ingress",
  "kubernetes:networking.k8s.io/v1beta1:Ingress",
  "kubernetes:extensions/v1beta1:Ingress",
] as const;
export const STORAGE_BUCKET = "gcp:storage/bucket:Bucket";
export const ARTIFACT_REGISTRY_REPOSITORY = "gcp:artifactregistry/repository:Repository";
/** Compute Engine VMs and the templates they are made from: each declares network interfaces. */
export const COMPUTE_INSTANCE_TYPES = [
  "gcp:compute/instance:Instance",
  "gcp:compute/instanceTemplate:InstanceTemplate",
  "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
  "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
  "gcp:compute/instanceFromMachineImage:InstanceFromMachineImage",
] as const;
