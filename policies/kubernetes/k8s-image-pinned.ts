/** An image without a tag, or tagged latest, changes under a running deployment. */
import { text } from "../lib/values";
import { POD_TYPES } from "../lib/workloads";
import { polaris } from "../sources";
import { containerPolicy } from "./container-policy";

/** Pinned: a digest, or a tag that is not "latest". The tag follows the last '/', after a ':'. */
export function isPinned(image: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const separator = lastSegment.lastIndexOf(":");
  if (separator < 0) return false;
  const tag = lastSegment.slice(separator + 1);
  return tag !== "" && tag !== "latest";
}

export const k8sImagePinned = containerPolicy({
  name: "k8s-image-pinned",
  description: "Container images are pinned by tag (never latest) or digest.",
  severity: "high",
  remediationSteps: 'Reference the image as "<registry>/<name>:<version>" or "<registry>/<name>@sha256:<digest>" (armature:apps.releases).',
  framework: polaris("tagNotSpecified", "Image tag should be specified"),
  tags: ["kubernetes", "supply-chain"],
  appliesTo: POD_TYPES,
  includeInit: true,
  check: (container) => {
    const image = text(container.image);
    if (image === undefined) return "no image";
    return isPinned(image) ? undefined : `image ${image} is not pinned to a tag or digest`;
  },
});
