/**
 * The platform's images: which Dockerfile builds each, and what its build context holds. One list,
 * read by the build (`npm run images`), the tests and the benchmark, so they all build the same images.
 */
export const BASE_NODE_VERSION = "20.20.2";

/** The base the Dockerfiles name by default (their `ARG BASE`): tools/images/base.ts builds it. */
export const BASE_IMAGE = `localhost/armature/node20-base:${BASE_NODE_VERSION}`;

export type ImageName = "discovery" | "flags" | "health" | "worker" | "migrator";

export interface ImageDefinition {
  readonly name: ImageName;
  /** Relative to the repository root. */
  readonly dockerfile: string;
  /** How the context's `app/` folder is made (tools/images/stage.ts). */
  readonly stage: { readonly kind: "bundles"; readonly entries: readonly string[] } | { readonly kind: "migrator" };
  /** An HTTP service with /readyz on PORT (the migrator is a one-shot CLI). */
  readonly serves: boolean;
}

const service = (name: "discovery" | "flags" | "health"): ImageDefinition => ({
  name,
  dockerfile: "apps/service.Dockerfile",
  stage: { kind: "bundles", entries: ["main"] },
  serves: true,
});

export const IMAGES: readonly ImageDefinition[] = [
  service("discovery"),
  service("flags"),
  service("health"),
  { name: "worker", dockerfile: "apps/worker/Dockerfile", stage: { kind: "bundles", entries: ["main", "cli"] }, serves: true },
  { name: "migrator", dockerfile: "apps/migrator/Dockerfile", stage: { kind: "migrator" }, serves: false },
];

/** The local tag of an image: what `npm run images` and the tests build. */
export function localTag(name: ImageName): string {
  return `localhost/armature/${name}:local`;
}
