/** The platform's worker agent (the container's command): the platform's own jobs on the shared runtime. */
import { platformJobs, platformSchedules } from "./jobs/index";
import { runWorkerAgent } from "./runtime/index";

void runWorkerAgent({
  name: "worker",
  description: "The platform's worker agent: platform jobs (history pruning, no-op checks) on demand and on schedule.",
  jobs: ({ pool }) => platformJobs(pool),
  schedules: platformSchedules,
});
