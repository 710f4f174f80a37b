/**
 * What every Kubernetes object and pod the platform creates shares: label rules (values are at most
 * 63 characters and start and end alphanumeric), the restricted Pod Security settings, and the
 * image pinning rule. Components use these so the policy pack (docs/architecture.md#secure-defaults) passes.
 */
import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import type { Labels } from "./types";

/** The kit's images are distroless `nonroot` (uid/gid 65532). */
export const NON_ROOT_UID = 65532;

/** A Kubernetes label value: empty, or up to 63 of [A-Za-z0-9-_.] starting and ending alphanumeric. */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
/** The name part of a label key (after an optional `prefix/`). */
export const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;
/** A DNS-1123 subdomain, the optional prefix of a label key (at most 253 characters). */
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** DNS-1035 label: Service, Namespace and most object names. */
export const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** DNS-1123 label: what Kubernetes accepts as a Namespace name (it may start with a digit). */
export const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix)));
}

/** The keys or values of `labels` Kubernetes would refuse, as "key=value" strings. */
export function invalidLabels(labels: Labels): string[] {
  return Object.entries(labels).filter(([key, value]) => !isLabelKey(key) || !LABEL_VALUE.test(value)).map(([key, value]) => `${key}=${value}`);
}

/**
 * Any text as a label value: characters Kubernetes refuses become '-', and text over 63 characters
 * is shortened with a stable hash (so two long versions never share a value).
 */
export function toLabelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  if (cleaned.length <= 63) return cleaned;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 8);
  return `${cleaned.slice(0, 54).replace(/[^A-Za-z0-9]+$/, "")}-${hash}`;
}

/** Pod Security admission at `restricted`, enforced and also audited and warned (Kubernetes docs, "Pod Security Standards"). */
export const RESTRICTED_POD_SECURITY: Labels = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": "latest",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
};

/** Pod-level settings that satisfy the restricted Pod Security Standard. */
export const RESTRICTED_POD_SECURITY_CONTEXT: k8s.types.input.core.v1.PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: NON_ROOT_UID,
  runAsGroup: NON_ROOT_UID,
  fsGroup: NON_ROOT_UID,
  seccompProfile: { type: "RuntimeDefault" },
};

/** Container-level settings: no privilege escalation, read-only root filesystem, every capability dropped. */
export const RESTRICTED_CONTAINER_SECURITY_CONTEXT: k8s.types.input.core.v1.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
};

/** `<registry>/<name>:<tag>` (never `latest`) or `<registry>/<name>@sha256:<64 hex>`. */
export function isPinnedImage(image: string): boolean {
  if (/^[^\s@]+@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const match = /^[^\s@]+\/[^\s/:@]+:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(image) ?? /^[^\s/@:]+:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(image);
  return match !== null && match[1] !== "latest";
}

/** `<registry>/<app>:<version>`, or `<registry>/<app>@sha256:...` when the version is a digest. */
export function imageReference(registry: string, app: string, version: string): string {
  return version.startsWith("sha256:") ? `${registry}/${app}@${version}` : `${registry}/${app}:${version}`;
}

/** The version part of an image reference: the tag, or the digest's first 12 hex digits. */
export function imageVersion(image: string): string {
  const digest = image.split("@sha256:")[1];
  return digest !== undefined ? digest.slice(0, 12) : image.slice(image.lastIndexOf(":") + 1);
}
