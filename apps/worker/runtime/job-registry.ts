/** The jobs an agent runs, by ID: parameter parsing with precise issues, and their public description. */
import { z } from "zod";
import type { JobDefinition } from "./job-definition";
import { JobDefinitionError } from "./job-errors";

export interface ParamIssue {
  readonly path: string;
  readonly message: string;
}

export type ParamsParse = { readonly ok: true; readonly params: unknown } | { readonly ok: false; readonly issues: readonly ParamIssue[] };

export interface JobDescription {
  readonly id: string;
  readonly description: string;
  readonly paramsSchema: Record<string, unknown>;
  readonly timeoutMs: number;
  readonly retry: JobDefinition["retry"];
  readonly resumable: boolean;
}

export class JobRegistry {
  private readonly jobs = new Map<string, JobDefinition>();

  constructor(jobs: readonly JobDefinition[]) {
    for (const job of jobs) {
      if (this.jobs.has(job.id)) throw new JobDefinitionError(job.id, "registered twice; job ids must be unique within an agent");
      this.jobs.set(job.id, job);
    }
  }

  get ids(): string[] {
    return [...this.jobs.keys()];
  }

  get(id: string): JobDefinition | undefined {
    return this.jobs.get(id);
  }

  /** Parses parameters with the job's schema (defaults applied); issues name the path under `params`. */
  parseParams(job: JobDefinition, raw: unknown): ParamsParse {
    const parsed = job.params.safeParse(raw);
    if (parsed.success) return { ok: true, params: parsed.data };
    return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: ["params", ...issue.path.map(String)].join("."), message: issue.message })) };
  }

  describe(job: JobDefinition): JobDescription {
    return {
      id: job.id,
      description: job.description,
      paramsSchema: z.toJSONSchema(job.params, { io: "input", unrepresentable: "any" }),
      timeoutMs: job.timeoutMs,
      retry: job.retry,
      resumable: job.checkpoint !== undefined,
    };
  }
}

/** Parameter issues as one line: "params.limit: Too big; params.region: Invalid option". */
export function describeIssues(issues: readonly ParamIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
}
