/** A dependency check with its own timeout, and running a set of them into one health document. */
import { type CheckResult, type HealthDocument, worstStatus } from "./health-document";

export interface HealthCheck {
  /** `component:measurement`, e.g. `postgres:responseTime`. */
  readonly key: `${string}:${string}`;
  readonly componentType: string;
  readonly componentId?: string;
  readonly timeoutMs: number;
  /** Resolves with what it observed; throws (or times out) when the dependency is unhealthy. */
  run(signal: AbortSignal): Promise<Partial<Pick<CheckResult, "observedValue" | "observedUnit" | "output" | "status">> | void>;
}

export async function runCheck(check: HealthCheck): Promise<CheckResult> {
  const started = performance.now();
  const time = new Date().toISOString();
  const base = { componentType: check.componentType, ...(check.componentId ? { componentId: check.componentId } : {}), time };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${check.timeoutMs} ms`));
    }, check.timeoutMs);
  });
  try {
    const observed = (await Promise.race([check.run(controller.signal), timedOut])) ?? {};
    const elapsedMs = Math.round((performance.now() - started) * 10) / 10;
    // A check slower than half its budget still passes, but as a warning.
    const slow = elapsedMs > check.timeoutMs / 2;
    return {
      ...base,
      observedValue: elapsedMs,
      observedUnit: "ms",
      ...observed,
      status: observed.status ?? (slow ? "warn" : "pass"),
      ...(slow && !observed.output ? { output: `slow: ${elapsedMs} ms of a ${check.timeoutMs} ms budget` } : {}),
    };
  } catch (error) {
    return { ...base, status: "fail", output: (error as Error).message || String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export async function runChecks(checks: readonly HealthCheck[], meta: Omit<HealthDocument, "status" | "checks">): Promise<HealthDocument> {
  const results = await Promise.all(checks.map(async (check) => [check.key, await runCheck(check)] as const));
  const grouped: Record<string, CheckResult[]> = {};
  for (const [key, result] of results) (grouped[key] ??= []).push(result);
  return { status: worstStatus(results.map(([, result]) => result.status)), ...meta, checks: grouped };
}
