/** platform.noop: does nothing. For smoke tests of a deployment and for the benchmark. */
import { z } from "zod";
import { defineJob } from "../runtime/index";

export const noopJob = defineJob({
  id: "platform.noop",
  description: "Does nothing and succeeds: checks that agents take and finish work. `tag` tells runs apart (runs with different tags are different runs).",
  params: z.strictObject({ tag: z.string().max(200).optional() }),
  timeoutMs: 5000,
  retry: { maxAttempts: 1 },
  run: () => Promise.resolve({ ok: true }),
});
