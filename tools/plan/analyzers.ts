/** The analyzers `npm run plan` runs over every plan, in order. */
import type { PlanAnalyzer } from "./analyzer";
import { kubernetesSchemaAnalyzer } from "./kubernetes-schema";
import { policyPackAnalyzer } from "./policy-analyzer";

export const defaultAnalyzers: readonly PlanAnalyzer[] = [kubernetesSchemaAnalyzer, policyPackAnalyzer];
