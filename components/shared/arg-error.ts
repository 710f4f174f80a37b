/**
 * The error a component throws for invalid or conflicting Args. It names the component, the Arg and
 * how to fix it, and is a RunError so `pulumi up` and the offline plan print it without a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";

export class ComponentArgError extends pulumi.RunError {
  override readonly name = "ComponentArgError";

  constructor(
    readonly component: string,
    readonly resourceName: string,
    readonly arg: string,
    problem: string,
    fix: string,
  ) {
    super(`${component} "${resourceName}": Args.${arg}: ${problem}. Fix: ${fix}`);
  }
}

/** Collects checks for one component instance, so each check reads as one line. */
export function argChecker(component: string, resourceName: string) {
  return (condition: boolean, arg: string, problem: string, fix: string): void => {
    if (!condition) throw new ComponentArgError(component, resourceName, arg, problem, fix);
  };
}
