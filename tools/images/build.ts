/**
 * Builds the platform's images the one way users, tests and the benchmark all use: assemble the base
 * (tools/images/base.ts), stage each context (tools/images/stage.ts), then `podman build` (or
 * `docker build`) with the repository's Dockerfiles and their default BASE.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { REPOSITORY_ROOT } from "../repository-root";
import { BASE_DOCKERFILE, assembleBaseContext } from "./base";
import { IMAGES_CACHE_DIR } from "./cache-dir";
import { BASE_IMAGE, IMAGES, type ImageDefinition, type ImageName, localTag } from "./image-catalog";
import { ensurePodman, podman } from "./podman";
import { log, timed } from "./progress";
import { stageContext } from "./stage";

export type Builder = "podman" | "docker";

export interface BuildOptions {
  readonly builder: Builder;
  /** Reassemble and rebuild the base even when the builder already has it. */
  readonly rebuildBase?: boolean;
}

export function contextDirOf(name: ImageName): string {
  return path.join(IMAGES_CACHE_DIR, "contexts", name);
}

async function runBuilder(builder: Builder, args: readonly string[], what: string): Promise<void> {
  if (builder === "podman") {
    const result = await podman(args);
    if (result.code !== 0) throw new Error(`${what} failed: podman ${args.join(" ")} exited ${result.code}\n${lastLines(result.stderr || result.stdout)}`);
    return;
  }
  const result = spawnSync("docker", args, { stdio: ["ignore", process.stderr, process.stderr] });
  if (result.status !== 0) throw new Error(`${what} failed: docker ${args.join(" ")} exited ${result.status ?? result.error?.message}`);
}

/** The end of a build's output, each line cut short (a failing bundle prints its one long line). */
function lastLines(text: string): string {
  return text.trim().split("\n").slice(-30).map((line) => (line.length > 300 ? `${line.slice(0, 300)}...` : line)).join("\n");
}

async function imageExists(builder: Builder, tag: string): Promise<boolean> {
  if (builder === "podman") return (await podman(["image", "exists", tag])).code === 0;
  return spawnSync("docker", ["image", "inspect", tag], { stdio: "ignore" }).status === 0;
}

export async function buildBase(options: BuildOptions): Promise<void> {
  if (!options.rebuildBase && (await imageExists(options.builder, BASE_IMAGE))) {
    log(`base ${BASE_IMAGE}: already built (--rebuild-base to assemble it again)`);
    return;
  }
  await timed(`base ${BASE_IMAGE}`, async () => {
    const { contextDir, labels } = await assembleBaseContext();
    const labelArgs = Object.entries(labels).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
    await runBuilder(options.builder, ["build", "--network", "host", "-f", path.join(REPOSITORY_ROOT, BASE_DOCKERFILE), "-t", BASE_IMAGE, ...labelArgs, contextDir], `building ${BASE_IMAGE}`);
  });
}

/** Stages and builds one image on the base, with its Dockerfile's defaults (no build arguments). */
export async function buildImage(image: ImageDefinition, options: BuildOptions): Promise<string> {
  const tag = localTag(image.name);
  const contextDir = contextDirOf(image.name);
  await timed(`${image.name}: stage ${contextDir}`, () => stageContext(image, contextDir));
  await timed(`${image.name}: build ${tag} (-f ${image.dockerfile})`, () =>
    runBuilder(options.builder, ["build", "--network", "host", "-f", path.join(REPOSITORY_ROOT, image.dockerfile), "-t", tag, contextDir], `building ${tag}`),
  );
  return tag;
}

/** Everything, in order: podman (installed if missing), the base, then each image. */
export async function buildAll(options: BuildOptions, names: readonly ImageName[] = IMAGES.map((image) => image.name)): Promise<Record<ImageName, string>> {
  if (options.builder === "podman") ensurePodman();
  await buildBase(options);
  const tags: Partial<Record<ImageName, string>> = {};
  for (const image of IMAGES.filter((candidate) => names.includes(candidate.name))) tags[image.name] = await buildImage(image, options);
  return tags as Record<ImageName, string>;
}
