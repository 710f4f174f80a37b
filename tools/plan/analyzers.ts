/** The analyzers `npm run plan` runs over every plan, in order. */
import type { PlanAnalyzer } from "./analyzer";

export const defaultAnalyzers: readonly PlanAnalyzer[] = [];
