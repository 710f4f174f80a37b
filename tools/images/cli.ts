/**
 * `npm run images [-- [--builder podman|docker] [--rebuild-base] [--tag-prefix <registry>/] [image...]]`:
 * builds the platform's images locally, exactly as the image tests build them. With podman (the
 * default; installed with apt-get when missing and run as root) its storage is under the cache folder;
 * with docker, the machine's docker. Exit codes: 0 built, 1 a build failed, 2 a bad command line.
 */
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { type Builder, buildAll } from "./build";
import { IMAGES, type ImageName } from "./image-catalog";
import { podmanOrFail } from "./podman";
import { log } from "./progress";

const USAGE = `usage: npm run images -- [--builder podman|docker] [--rebuild-base] [--tag-prefix <registry>/] [${IMAGES.map((image) => image.name).join("|")} ...]`;

function usageError(message: string): never {
  process.stderr.write(`images: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse(): { builder: Builder; rebuildBase: boolean; tagPrefix?: string; names: ImageName[] } {
  let parsed;
  try {
    parsed = parseArgs({
      options: { builder: { type: "string" }, "rebuild-base": { type: "boolean" }, "tag-prefix": { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
  } catch (error) {
    usageError((error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const builder = parsed.values.builder ?? "podman";
  if (builder !== "podman" && builder !== "docker") usageError(`--builder ${builder}: use podman or docker`);
  const known = IMAGES.map((image) => image.name as string);
  const unknown = parsed.positionals.filter((name) => !known.includes(name));
  if (unknown.length > 0) usageError(`no image named ${unknown.join(", ")}: the images are ${known.join(", ")}`);
  const prefix = parsed.values["tag-prefix"];
  if (prefix !== undefined && !/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*\/$/.test(prefix)) usageError(`--tag-prefix ${prefix}: give a registry path ending in /, e.g. europe-west1-docker.pkg.dev/my-project/platform/`);
  return { builder, rebuildBase: parsed.values["rebuild-base"] ?? false, ...(prefix ? { tagPrefix: prefix } : {}), names: (parsed.positionals.length > 0 ? parsed.positionals : known) as ImageName[] };
}

async function main(): Promise<void> {
  const options = parse();
  const tags = await buildAll({ builder: options.builder, rebuildBase: options.rebuildBase }, options.names);
  for (const [name, tag] of Object.entries(tags)) {
    if (options.tagPrefix) {
      const target = `${options.tagPrefix}${name}:local`;
      if (options.builder === "podman") await podmanOrFail(["tag", tag, target], `tagging ${target}`);
      else if (spawnSync("docker", ["tag", tag, target], { stdio: "inherit" }).status !== 0) throw new Error(`docker tag ${tag} ${target} failed`);
      log(`${name}: ${tag} also tagged ${target}`);
    } else {
      log(`${name}: ${tag}`);
    }
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
