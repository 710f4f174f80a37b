/**
 * What each worker route asks the kit's authorisation step for (apps/kit/README.md, Authorisation):
 * a job is owned by the tenant its id starts with ("acme.send-invoices"; "platform." jobs by the
 * platform). Runs and schedules are their job's: the route looks the job up before deciding. A run
 * or schedule that does not exist asks only to read, so the handler answers 404 as it does today.
 */
import type { FastifyRequest } from "fastify";
import { type AccessRequest, readEndpoint } from "../../../kit/index";
import type { RunHistory } from "../run-history";
import type { ScheduleStore } from "../schedule-store";

const runJob = (jobId: string): AccessRequest => ({ action: "job.run", resource: { kind: "job", id: jobId } });
const scheduleJob = (jobId: string): AccessRequest => ({ action: "schedule.change", resource: { kind: "job", id: jobId } });

export const triggerJob = (request: FastifyRequest): AccessRequest => runJob((request.params as { jobId: string }).jobId);

export const changeRun = (history: RunHistory) => async (request: FastifyRequest): Promise<AccessRequest> => {
  const run = await history.get((request.params as { runId: string }).runId);
  return run ? runJob(run.jobId) : readEndpoint(request);
};

/** Replacing a schedule needs the right on the job it runs now and on the job it will run. */
export const putSchedule = (schedules: ScheduleStore) => async (request: FastifyRequest): Promise<readonly AccessRequest[]> => {
  const existing = await schedules.get((request.params as { id: string }).id);
  const next = (request.body as { jobId: string }).jobId;
  return existing && existing.jobId !== next ? [scheduleJob(existing.jobId), scheduleJob(next)] : [scheduleJob(next)];
};

export const deleteSchedule = (schedules: ScheduleStore) => async (request: FastifyRequest): Promise<AccessRequest> => {
  const existing = await schedules.get((request.params as { id: string }).id);
  return existing ? scheduleJob(existing.jobId) : readEndpoint(request);
};
