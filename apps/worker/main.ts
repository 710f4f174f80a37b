/** The platform's worker agent (the container's command): the platform's own jobs on the shared runtime. */
import { platformWorker } from "./jobs/index";
import { runWorkerAgent } from "./runtime/index";

void runWorkerAgent(platformWorker);
