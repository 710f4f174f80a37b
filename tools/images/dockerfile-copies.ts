/**
 * What an image's /app would hold, worked out from its Dockerfile and its staged context without a
 * container engine: the `COPY <src...> <dest>` lines (not `--from`) applied under their WORKDIR. The
 * unit test runs the bundles there, so a file a bundle needs that the Dockerfile (or the staging)
 * leaves out fails in seconds, not at `podman run`.
 */
import { cp, mkdir } from "node:fs/promises";
import { builtinModules } from "node:module";
import path from "node:path";
import { build } from "esbuild";

export interface CopyInstruction {
  readonly sources: readonly string[];
  /** Absolute, inside the image. */
  readonly destination: string;
}

/** The COPY instructions from the build context, with relative destinations resolved against WORKDIR. */
export function copyInstructions(dockerfile: string): CopyInstruction[] {
  let workdir = "/";
  const copies: CopyInstruction[] = [];
  for (const line of dockerfile.split("\n").map((text) => text.trim())) {
    const [instruction, ...words] = line.split(/\s+/);
    if (instruction === "FROM") workdir = "/";
    if (instruction === "WORKDIR") workdir = path.posix.resolve(workdir, words[0]!);
    if (instruction !== "COPY") continue;
    const args = words.filter((word) => !word.startsWith("--"));
    if (words.some((word) => word.startsWith("--from"))) continue;
    copies.push({ sources: args.slice(0, -1), destination: path.posix.resolve(workdir, args.at(-1)!) });
  }
  return copies;
}

/** Copies what the Dockerfile copies from `contextDir` into `rootDir` (a stand-in for the image's filesystem). */
export async function applyCopies(copies: readonly CopyInstruction[], contextDir: string, rootDir: string): Promise<void> {
  for (const copy of copies) {
    const target = path.join(rootDir, copy.destination);
    await mkdir(target, { recursive: true });
    for (const source of copy.sources) {
      const from = path.join(contextDir, source);
      // `COPY dir/ dest/` copies the folder's contents; `COPY file dest/` the file into dest.
      await cp(from, source.endsWith("/") ? target : path.join(target, path.basename(source)), { recursive: true });
    }
  }
}

/**
 * The packages a bundle still `require`s at run time (its externals), builtins left out: esbuild reads
 * the bundle again with every bare import kept external, so only real require calls count (the
 * bundled ajv carries `require("ajv/...")` inside strings of the code it generates).
 */
export async function externalRequires(bundleFile: string): Promise<string[]> {
  const result = await build({ entryPoints: [bundleFile], bundle: true, platform: "node", packages: "external", write: false, metafile: true, logLevel: "silent" });
  const names = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || imported.path.startsWith("node:") || builtinModules.includes(imported.path)) continue;
      const parts = imported.path.split("/");
      names.add(imported.path.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!);
    }
  }
  return [...names].sort();
}
