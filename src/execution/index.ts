/** Executing steps: inputs, write–audit–publish, the in-process executor. */
export { createExecutionEnvironment, storeFromConfig, type ExecutionEnvironment } from "./environment";
export { MissingInputError } from "./errors";
export { runStep, type StepRequest, type StepOutcome, type OutputOutcome, type StepHooks, type StepPhases } from "./step";
export { runStepRidingOutOutages } from "./ride-out";
export { removeAbandonedScratch } from "./scratch";
export { materialize, type RunResult, type StepRunResult, type StepStatus } from "./materialize";
export { planRun, partitionContext, selectionKeys, type PlanInput } from "./plan-run";
export { objectReader } from "./inputs";
export { runChecks, OUTPUT_VIEW } from "./checks";
export { assetStatuses, type AssetPartitionStatus } from "./status";
export { checkPublished } from "./check-published";
export { loadDefinitionsFrom, forgetLoadedDefinitions } from "./code-location";
export { buildResources, ResourceSetupError, type BuiltResources } from "./resources";
export { validateRunConfig, parseStepConfig, type RunConfig } from "./run-config";
export { runGenerator, type GeneratorRun } from "./generate";
