/**
 * Where the image lane keeps what outlives a run: podman's storage, the assembled base, the staged
 * build contexts. Outside the repository, beside the test services' cache (tools/test-services/requirements.ts).
 */
import path from "node:path";
import { cacheRoot } from "../test-services/engine/recipes";

export const IMAGES_CACHE_DIR = path.join(cacheRoot(), "images");
