/**
 * Passing and violating examples of the Pod Security Standards controls the older workload
 * policies did not cover, for every pod-bearing kind, and of the side doors around the Gateway.
 */
import { POD_LABELS, container, deployment, podSpec } from "../fixtures/compliant-parts";
import { CRON_JOB, DAEMON_SET, DEPLOYMENT, JOB, POD, REPLICA_SET, STATEFUL_SET } from "../lib/workloads";
import { K8S_NETWORK_POLICY, K8S_SERVICE } from "../resource-types";
import { type Example, type PolicyCases, resource, set, unset } from "../testing/examples";
import { k8sApparmorProfile } from "./k8s-apparmor-profile";
import { k8sNetworkPolicyNoWorldIngress } from "./k8s-network-policy-no-world-ingress";
import { k8sNoExternalIps } from "./k8s-no-external-ips";
import { k8sNoIngress } from "./k8s-no-ingress";
import { k8sNoNodePortService } from "./k8s-no-node-port-service";
import { k8sNoWindowsHostProcess } from "./k8s-no-windows-host-process";
import { k8sProcMountDefault } from "./k8s-proc-mount-default";
import { k8sRestrictedVolumeTypes } from "./k8s-restricted-volume-types";
import { k8sSafeSysctls } from "./k8s-safe-sysctls";
import { k8sSeccompProfile } from "./k8s-seccomp-profile";
import { k8sSelinuxOptions } from "./k8s-selinux-options";

const POD_SPEC = podSpec([container()]);
const TEMPLATE_METADATA = { labels: { ...POD_LABELS } };

/** The same pod spec in each pod-bearing kind, at the path where that kind keeps its template. */
function inEveryKind(name: string, spec: object, metadata: object = TEMPLATE_METADATA): Example[] {
  const template = { metadata, spec };
  const workload = { metadata: { name: "discovery", namespace: "acme" }, spec: { selector: { matchLabels: { app: "discovery" } }, template } };
  return [
    resource(`${name} (Deployment)`, { type: DEPLOYMENT, inputs: workload }),
    resource(`${name} (StatefulSet)`, { type: STATEFUL_SET, inputs: workload }),
    resource(`${name} (DaemonSet)`, { type: DAEMON_SET, inputs: workload }),
    resource(`${name} (ReplicaSet)`, { type: REPLICA_SET, inputs: workload }),
    resource(`${name} (Job)`, { type: JOB, inputs: { metadata: workload.metadata, spec: { template } } }),
    resource(`${name} (CronJob)`, { type: CRON_JOB, inputs: { metadata: workload.metadata, spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template } } } } }),
    resource(`${name} (Pod)`, { type: POD, inputs: { metadata: { ...metadata, name: "discovery", namespace: "acme" }, spec } }),
  ];
}

const SECURITY = "containers.0.securityContext";
const service = (spec: object) => ({ type: K8S_SERVICE, inputs: { metadata: { name: "discovery", namespace: "acme" }, spec: { selector: { app: "discovery" }, ports: [{ port: 80, targetPort: 8080 }], ...spec } } });
const networkPolicy = (namespace: string, from: object[]) => ({
  type: K8S_NETWORK_POLICY,
  inputs: { metadata: { name: "allow-web", namespace }, spec: { podSelector: { matchLabels: { app: "discovery" } }, policyTypes: ["Ingress"], ingress: [{ from, ports: [{ port: 8080 }] }] } },
});

export const podSecurityCases: readonly PolicyCases[] = [
  {
    policy: k8sSeccompProfile,
    passes: [
      ...inEveryKind("RuntimeDefault on the pod", POD_SPEC),
      ...inEveryKind("Localhost on every container, none on the pod", set(unset(POD_SPEC, "securityContext.seccompProfile"), `${SECURITY}.seccompProfile`, { type: "Localhost", localhostProfile: "profiles/app.json" })),
    ],
    violations: [
      ...inEveryKind("no seccomp profile anywhere", unset(POD_SPEC, "securityContext.seccompProfile")).map((example) => ({ ...example, expect: /no seccomp profile/ })),
      resource("Unconfined on the pod", { type: DEPLOYMENT, inputs: set(deployment("acme"), "spec.template.spec.securityContext.seccompProfile", { type: "Unconfined" }) }, { expect: /Unconfined/ }),
      resource("Unconfined on one container", { type: DEPLOYMENT, inputs: set(deployment("acme"), "spec.template.spec.containers.0.securityContext.seccompProfile", { type: "Unconfined" }) }, { expect: /containers\[0\].*Unconfined/ }),
    ],
  },
  {
    policy: k8sRestrictedVolumeTypes,
    passes: [
      ...inEveryKind("emptyDir, configMap, secret, projected and a claim", {
        ...POD_SPEC,
        volumes: [
          { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
          { name: "config", configMap: { name: "settings" } },
          { name: "tls", secret: { secretName: "tls" } },
          { name: "token", projected: { sources: [{ serviceAccountToken: { path: "token", audience: "vault" } }] } },
          { name: "data", persistentVolumeClaim: { claimName: "data" } },
        ],
      }),
    ],
    violations: [
      ...inEveryKind("a hostPath volume", { ...POD_SPEC, volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] }).map((example) => ({ ...example, expect: /volumes\[0\] \(docker\) is a hostPath volume/ })),
      resource("an NFS volume", { type: DEPLOYMENT, inputs: set(deployment("acme"), "spec.template.spec.volumes", [{ name: "share", nfs: { server: "10.0.0.2", path: "/export" } }]) }, { expect: /nfs volume/ }),
    ],
  },
  {
    policy: k8sApparmorProfile,
    passes: [
      ...inEveryKind("no AppArmor settings (the runtime default applies)", POD_SPEC),
      ...inEveryKind("RuntimeDefault and a localhost annotation", set(POD_SPEC, "securityContext.appArmorProfile", { type: "RuntimeDefault" }), {
        ...TEMPLATE_METADATA,
        annotations: { "container.apparmor.security.beta.kubernetes.io/discovery": "localhost/k8s-discovery" },
      }),
    ],
    violations: [
      ...inEveryKind("Unconfined on a container", set(POD_SPEC, `${SECURITY}.appArmorProfile`, { type: "Unconfined" })).map((example) => ({ ...example, expect: /appArmorProfile.type is Unconfined/ })),
      ...inEveryKind("the unconfined annotation", POD_SPEC, { ...TEMPLATE_METADATA, annotations: { "container.apparmor.security.beta.kubernetes.io/discovery": "unconfined" } }),
    ],
  },
  {
    policy: k8sSelinuxOptions,
    passes: [...inEveryKind("no SELinux options", POD_SPEC), ...inEveryKind("a container_t level only", set(POD_SPEC, "securityContext.seLinuxOptions", { type: "container_t", level: "s0:c123,c456" }))],
    violations: [
      ...inEveryKind("spc_t (super-privileged)", set(POD_SPEC, `${SECURITY}.seLinuxOptions`, { type: "spc_t" })).map((example) => ({ ...example, expect: /seLinuxOptions.type is spc_t/ })),
      resource("a custom SELinux user", { type: POD, inputs: { metadata: { name: "debug" }, spec: set(POD_SPEC, "securityContext.seLinuxOptions", { user: "system_u" }) } }, { expect: /seLinuxOptions.user is set/ }),
    ],
  },
  {
    policy: k8sProcMountDefault,
    passes: [...inEveryKind("procMount unset", POD_SPEC), ...inEveryKind("procMount Default", set(POD_SPEC, `${SECURITY}.procMount`, "Default"))],
    violations: inEveryKind("an Unmasked /proc", set(POD_SPEC, `${SECURITY}.procMount`, "Unmasked")).map((example) => ({ ...example, expect: /procMount is Unmasked/ })),
  },
  {
    policy: k8sSafeSysctls,
    passes: [...inEveryKind("no sysctls", POD_SPEC), ...inEveryKind("a safe sysctl", set(POD_SPEC, "securityContext.sysctls", [{ name: "net.ipv4.ip_unprivileged_port_start", value: "80" }]))],
    violations: inEveryKind("a node-wide sysctl", set(POD_SPEC, "securityContext.sysctls", [{ name: "kernel.msgmax", value: "65536" }])).map((example) => ({ ...example, expect: /sets kernel.msgmax/ })),
  },
  {
    policy: k8sNoWindowsHostProcess,
    passes: [...inEveryKind("no Windows options", POD_SPEC), ...inEveryKind("hostProcess false", set(POD_SPEC, "securityContext.windowsOptions", { hostProcess: false }))],
    violations: inEveryKind("a HostProcess container", set(POD_SPEC, `${SECURITY}.windowsOptions`, { hostProcess: true })).map((example) => ({ ...example, expect: /hostProcess is true/ })),
  },
  {
    policy: k8sNoNodePortService,
    passes: [resource("a ClusterIP Service", service({})), resource("a LoadBalancer Service (another policy's concern)", service({ type: "LoadBalancer" }))],
    violations: [
      resource("a NodePort Service", service({ type: "NodePort" }), { expect: /NodePort Service/ }),
      resource("an explicit nodePort", service({ ports: [{ port: 80, nodePort: 30080 }] }), { expect: /nodePort/ }),
    ],
  },
  {
    policy: k8sNoExternalIps,
    passes: [resource("a ClusterIP Service", service({})), resource("an empty externalIPs list", service({ externalIPs: [] }))],
    violations: [resource("external IPs", service({ externalIPs: ["203.0.113.10"] }), { expect: /externalIPs lists 1/ })],
  },
  {
    policy: k8sNoIngress,
    passes: [resource("a Service is not an Ingress", service({}))],
    violations: [
      resource("a networking.k8s.io/v1 Ingress", {
        type: "kubernetes:networking.k8s.io/v1:Ingress",
        name: "shop",
        inputs: { metadata: { name: "shop", namespace: "acme" }, spec: { rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "discovery", port: { number: 80 } } } }] } }] } },
      }, { expect: /Ingress shop opens an entry point/ }),
    ],
  },
  {
    policy: k8sNetworkPolicyNoWorldIngress,
    passes: [
      resource("ingress from the gateway namespace", networkPolicy("acme", [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway" } } }])),
      resource("ingress from a private range", networkPolicy("acme", [{ ipBlock: { cidr: "10.0.0.0/8" } }])),
      resource("0.0.0.0/0 into the gateway namespace", networkPolicy("gateway", [{ ipBlock: { cidr: "0.0.0.0/0" } }])),
    ],
    violations: [
      resource("0.0.0.0/0 into a tenant", networkPolicy("acme", [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }]), { expect: /0\.0\.0\.0\/0: namespace acme admits ingress/ }),
      resource("::/0 into a tenant", networkPolicy("acme", [{ ipBlock: { cidr: "::/0" } }]), { expect: /::\/0/ }),
    ],
  },
];
