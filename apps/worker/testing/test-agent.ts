/** A worker agent with the test jobs, run as a real child process by the crash and shutdown tests. */
import { runWorkerAgent } from "../runtime/index";
import { testJobs } from "./test-jobs";

void runWorkerAgent({ name: "test-worker", jobs: ({ pool }) => testJobs(pool) });
