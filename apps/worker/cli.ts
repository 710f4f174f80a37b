/** The worker CLI's entry point: `npm run worker -- trigger platform.noop --wait` (see cli/commands.ts). */
import { runCli } from "./cli/commands";

void runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
