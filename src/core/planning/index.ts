export { buildPlan, stepInstanceId, type ExecutionPlan, type ExternalInput, type PlanRequest, type PlanStep } from "./plan";
