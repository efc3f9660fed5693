/** Every workflow the materia worker serves (bundled for the worker's sandbox). */
export { pingWorkflow, type PingResult } from "./ping";
export { runWorkflow } from "./run";
export { backfillWorkflow } from "./backfill";
export { scheduledRunWorkflow, type ScheduledRunInput } from "./scheduled";
export { sensorWorkflow, type SensorWorkflowInput, type SensorState } from "./sensor";
export { alertDeliveryWorkflow } from "./alert";
export { alertQueueWorkflow } from "./alert-queue";
export { freshnessMonitorWorkflow } from "./monitoring";
export { automationWorkflow } from "./automation";
