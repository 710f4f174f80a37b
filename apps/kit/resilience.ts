/**
 * Circuit breaker plus timeout around calls to a dependency (HTTP, Postgres, Redis), from cockatiel.
 * Every call names its fallback explicitly: the value to serve when the call fails, times out or
 * the breaker is open (for example the last known value), or `rethrow` to let the caller decide.
 */
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, TaskCancelledError, TimeoutStrategy, circuitBreaker, handleAll, timeout, wrap } from "cockatiel";
import type { Logger } from "pino";
import { Gauge, type Registry } from "prom-client";

export interface GuardOptions {
  /** Names the dependency in logs and the `armature_circuit_open` metric. */
  readonly name: string;
  /** A call taking longer is abandoned (its AbortSignal fires) and counts as a failure. */
  readonly timeoutMs: number;
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold?: number;
  /** How long the breaker stays open before it lets one trial call through. */
  readonly halfOpenAfterMs?: number;
}

export type Fallback<T> = (error: Error) => T | Promise<T>;

/** The explicit "no fallback": the caller handles the error itself. */
export const rethrow: Fallback<never> = (error) => {
  throw error;
};

export interface Guard {
  readonly name: string;
  readonly open: boolean;
  execute<T>(call: (signal: AbortSignal) => Promise<T>, fallback: Fallback<T>): Promise<T>;
}

export class DependencyUnavailable extends Error {
  constructor(name: string, cause: unknown) {
    const reason =
      cause instanceof BrokenCircuitError ? "circuit open" : cause instanceof TaskCancelledError ? "timed out" : (cause as Error)?.message ?? String(cause);
    super(`${name} unavailable: ${reason}`, { cause });
    this.name = "DependencyUnavailable";
  }
}

const openGauges = new WeakMap<Registry, Gauge<"dependency">>();

function openGauge(registry: Registry): Gauge<"dependency"> {
  let gauge = openGauges.get(registry);
  if (!gauge) {
    gauge = new Gauge({ name: "armature_circuit_open", help: "1 while the circuit breaker to a dependency is open.", labelNames: ["dependency"] as const, registers: [registry] });
    openGauges.set(registry, gauge);
  }
  return gauge;
}

export function createGuard(options: GuardOptions, observe?: { logger?: Logger; registry?: Registry }): Guard {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.halfOpenAfterMs ?? 5000,
    breaker: new ConsecutiveBreaker(options.failureThreshold ?? 5),
  });
  const policy = wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
  const gauge = observe?.registry ? openGauge(observe.registry) : undefined;
  gauge?.set({ dependency: options.name }, 0);
  breaker.onStateChange((state) => {
    const open = state === CircuitState.Open || state === CircuitState.Isolated;
    gauge?.set({ dependency: options.name }, open ? 1 : 0);
    observe?.logger?.warn({ dependency: options.name, state: CircuitState[state] }, `circuit to ${options.name} is ${CircuitState[state].toLowerCase()}`);
  });
  return {
    name: options.name,
    get open() {
      return breaker.state === CircuitState.Open || breaker.state === CircuitState.Isolated;
    },
    async execute<T>(call: (signal: AbortSignal) => Promise<T>, fallback: Fallback<T>): Promise<T> {
      try {
        return await policy.execute(({ signal }) => call(signal));
      } catch (error) {
        return fallback(new DependencyUnavailable(options.name, error));
      }
    },
  };
}
