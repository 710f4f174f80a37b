/**
 * PSS restricted allows only volume types that hold no node or network storage of their own; this
 * also closes baseline's "HostPath Volumes" (a hostPath volume mounts the node's filesystem).
 */
import { podSpecPath } from "../lib/security-contexts";
import { list, record, text } from "../lib/values";
import { POD_TYPES, podTemplateOf } from "../lib/workloads";
import { resourcePolicy } from "../policy";
import { pss } from "../sources";

const ALLOWED = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

export const k8sRestrictedVolumeTypes = resourcePolicy({
  name: "k8s-restricted-volume-types",
  description: "Pods use only the volume types PSS restricted allows (configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret): no hostPath.",
  severity: "high",
  remediationSteps: "Replace hostPath and other direct volume sources (nfs, gcePersistentDisk, iscsi...) with a persistentVolumeClaim, emptyDir, configMap, secret or projected volume.",
  framework: pss("restricted", "Volume Types", "Restrict usage of non-core volume types to those defined through PersistentVolumes (and baseline: HostPath Volumes must be forbidden)"),
  tags: ["kubernetes", "security", "pod-security-standards"],
  appliesTo: POD_TYPES,
  validate: (props, args, report) => {
    const template = podTemplateOf(args.type, props);
    if (!template) return;
    list(template.spec?.volumes).forEach((item, index) => {
      const volume = record(item);
      const sources = Object.keys(volume ?? {}).filter((key) => key !== "name" && !ALLOWED.includes(key));
      if (sources.length === 0) return;
      const name = text(volume?.["name"]);
      report(`${podSpecPath(template)}.volumes[${index}]${name ? ` (${name})` : ""} is a ${sources.join(", ")} volume, which PSS restricted forbids.`);
    });
  },
});
