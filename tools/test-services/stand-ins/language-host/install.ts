/**
 * Installs the stand-in `pulumi-language-nodejs` into a folder on the PATH of the Pulumi CLI.
 *
 * The CLI starts a language host several times per command (plugin discovery, the run, each policy
 * pack), and waits for its port each time: it runs as a bundle (../node-bundle.ts says why).
 */
import path from "node:path";
import { buildStandInBundle, writeNodeLauncher } from "../node-bundle";

export const LANGUAGE_HOST_EXECUTABLE = "pulumi-language-nodejs";
/** Dependencies bundled in: a new version of one means a new bundle. */
const BUNDLED_PACKAGES = ["@grpc/grpc-js", "@pulumi/pulumi", "google-protobuf"];

export function buildLanguageHostBundle(): string {
  return buildStandInBundle("language-host", __dirname, BUNDLED_PACKAGES);
}

/** Writes `<binDir>/pulumi-language-nodejs` and returns its path. */
export function installLanguageHost(binDir: string): string {
  const executable = path.join(binDir, LANGUAGE_HOST_EXECUTABLE);
  return writeNodeLauncher(executable, buildLanguageHostBundle(), [], "The stand-in Node.js language host (tools/test-services/stand-ins/language-host).");
}
