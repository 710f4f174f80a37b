/**
 * Test fixture run as its own process: a fresh SDK asks the flags service for its flag set and
 * prints, as one JSON line, whether FLAG is on for users user-0 .. user-<USERS-1> (and their
 * variants). Shows stickiness across processes and restarts.
 */
import { FlagsClient } from "../sdk/index";

async function main(): Promise<void> {
  const env = process.env;
  const client = new FlagsClient({ url: env["FLAGS_URL"]!, environment: env["FLAGS_ENVIRONMENT"]!, exposures: false });
  await client.ready(20_000);
  const users = Number(env["USERS"]);
  const answers = Array.from({ length: users }, (_, index) => {
    const evaluation = client.evaluate(env["FLAG"]!, { userId: `user-${index}` });
    return evaluation.variant?.name ?? evaluation.enabled;
  });
  process.stdout.write(`${JSON.stringify({ version: client.version, answers })}\n`);
  await client.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
