/**
 * `tsx tools/test-services/engine/ensure-engine-cli.ts`: builds the engine binaries that are missing, with
 * progress on stderr, before the e2e tests start; prints the binaries' paths as JSON on stdout.
 */
import { ensureEngine } from "./ensure-engine";

ensureEngine().then(
  (binaries) => process.stdout.write(`${JSON.stringify(binaries, null, 2)}\n`),
  (error: unknown) => {
    process.stderr.write(`engine: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
