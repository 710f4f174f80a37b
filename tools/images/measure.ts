/**
 * An image's sizes as a registry sees them: uncompressed (what the layers unpack to) and compressed
 * (the gzip layers `podman push` sends: `podman save --compress --format docker-dir` writes exactly
 * those blobs and a manifest listing their sizes). The base's layer is shared by every image, so a
 * push of the second image sends only its own layers; both figures are reported.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { podmanOrFail } from "./podman";

export interface ImageSizes {
  readonly uncompressedBytes: number;
  readonly compressedBytes: number;
  /** Compressed, without the base image's layers. */
  readonly ownCompressedBytes: number;
  readonly layers: number;
}

interface Manifest {
  readonly layers: readonly { readonly size: number }[];
}

export async function imageSizes(tag: string, baseTag: string): Promise<ImageSizes> {
  const uncompressedBytes = Number((await podmanOrFail(["image", "inspect", "--format", "{{.Size}}", tag], `inspecting ${tag}`)).trim());
  const baseLayers = JSON.parse(await podmanOrFail(["image", "inspect", "--format", "{{json .RootFS.Layers}}", baseTag], `inspecting ${baseTag}`)) as string[];
  const dir = await mkdtemp(path.join(tmpdir(), "armature-image-save-"));
  try {
    const target = path.join(dir, "image");
    await podmanOrFail(["save", "--quiet", "--compress", "--format", "docker-dir", "-o", target, tag], `saving ${tag}`);
    const manifest = JSON.parse(await readFile(path.join(target, "manifest.json"), "utf8")) as Manifest;
    const sizes = manifest.layers.map((layer) => layer.size);
    const compressedBytes = sizes.reduce((sum, size) => sum + size, 0);
    // Layers are in order, the base's first.
    const ownCompressedBytes = sizes.slice(baseLayers.length).reduce((sum, size) => sum + size, 0);
    return { uncompressedBytes, compressedBytes, ownCompressedBytes, layers: sizes.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
