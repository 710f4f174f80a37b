/**
 * Where the image lane keeps what outlives a run: podman's storage, the assembled base, the staged
 * build contexts. Outside the repository, beside the test services' cache (tools/test-services/requirements.ts).
 */
import { homedir } from "node:os";
import path from "node:path";

export const IMAGES_CACHE_DIR = path.join(process.env["ARMATURE_CACHE_DIR"] ?? path.join(homedir(), ".cache", "armature"), "images");
