export { planAssetPartitions, planNode, progressGrid, type AssetPartitionPlan, type AssetPartitionPlanRequest, type NodeDataStatus, type ProgressGrid, type SkipMode } from "./asset-partitions";
export { buildPlan, groupPartitionRuns, restrictPlan, stepInstanceId, type ExecutionPlan, type ExternalInput, type PlanRequest, type PlanStep } from "./plan";
export { decodeState, encodeStates, isFinalState, outcomeOf, ReadySet, type NodeOutcome, type NodeState } from "./ready-set";
export { evaluateAutomation, type AutomationFacts, type AutomationRequest, type AutomationTick } from "./automation";
