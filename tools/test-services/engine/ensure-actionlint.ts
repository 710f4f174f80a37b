/**
 * actionlint (https://github.com/rhysd/actionlint), built once through the Go module proxy and cached like
 * the engine binaries. Kept apart from ensureEngine: only the CI workflow test needs it.
 */
import path from "node:path";
import { buildActionlint } from "./build-steps";
import { cachedBuild, type Log } from "./cached-build";
import { actionlintRecipe } from "./recipes";

const writeToStderr: Log = (line) => process.stderr.write(`${line}\n`);

/** The path of the actionlint binary, building it first when it is missing (about a minute cold). */
export async function ensureActionlint(log: Log = writeToStderr): Promise<string> {
  const recipe = actionlintRecipe();
  const dir = await cachedBuild(recipe, { label: `actionlint ${recipe.version}`, estimate: "about 1 min" }, (context) => buildActionlint(recipe, context), log);
  return path.join(dir, "bin", "actionlint");
}
