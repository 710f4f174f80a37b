/**
 * Finding node and the SDK's entry points the way upstream does: `node` from PATH, and a module such as
 * @pulumi/pulumi/cmd/run resolved with Node's own resolution from the program directory (upstream runs
 * `node -e "require.resolve(...)"` there; createRequire resolves the same way without a process).
 */
import { accessSync, constants, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export function findOnPath(command: string, searchPath = process.env["PATH"] ?? ""): string {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, command);
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // not here
    }
  }
  throw new Error(`could not find ${command} on the $PATH: exec: "${command}": executable file not found in $PATH`);
}

/** Resolves `module` from `programDirectory`; the error says how to install it. */
export function locateModule(module: string, programDirectory: string, isPlugin: boolean): string {
  const install = isPlugin ? `npm install in ${programDirectory}` : "pulumi install";
  try {
    return createRequire(path.join(path.resolve(programDirectory), "__pulumi_language_nodejs__.js")).resolve(module);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") {
      throw new Error(`It looks like the Pulumi SDK has not been installed. Have you run ${install}?`, { cause: error });
    }
    throw error;
  }
}
