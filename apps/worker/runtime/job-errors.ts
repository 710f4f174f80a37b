/** Errors a job or the runtime raises with a meaning of their own. */

/** Thrown by a job when trying again cannot help (bad data, a permanent refusal): the run goes dead at once. */
export class NonRetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NonRetryableError";
  }
}

/** This agent no longer holds the run's lease (it expired, another agent may run it): stop at once. */
export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`the lease on run ${runId} was lost; another agent may be running it now`);
    this.name = "LeaseLostError";
  }
}

/** A job definition that breaks a rule of the runtime (found when the agent starts). */
export class JobDefinitionError extends Error {
  constructor(jobId: string, problem: string) {
    super(`job ${JSON.stringify(jobId)}: ${problem}`);
    this.name = "JobDefinitionError";
  }
}
