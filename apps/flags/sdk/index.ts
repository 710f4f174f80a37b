/** The flags SDK: in-process evaluation, pushed changes, per-invocation toggles, exposures, OpenFeature. */
export { FlagsClient, type FlagsClientOptions, FlagsUnavailable } from "./flags-client";
export type { FlagEvaluationDetails } from "./flag-evaluations";
export { ArmatureFlagsProvider, toFlagContext } from "./openfeature-provider";
export type { ExposureSink } from "./exposure-recorder";
export type { FlagSetChange } from "./flag-set-sync";
export type { FlagContext } from "../engine/context";
export type { Evaluation, Reason } from "../engine/evaluation";
export type { FlagSet } from "../model/definition";
export type { Exposure } from "../model/exposure";
