/** The analyzers `npm run plan` runs over every plan, in order. */
import type { PlanAnalyzer } from "./analyzer";
import { kubernetesSchemaAnalyzer } from "./kubernetes-schema";

export const defaultAnalyzers: readonly PlanAnalyzer[] = [kubernetesSchemaAnalyzer];
