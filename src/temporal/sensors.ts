/**
 * `materia sensors sync` (and `materia dev`): one long-running workflow per
 * sensor declared in code, id `materia-sensor:<name>`. Starting is
 * idempotent (an already-running sensor is left as is, keeping its cursor);
 * sensors removed from the code are cancelled.
 */
import { WorkflowIdConflictPolicy, type Client } from "@temporalio/client";
import { TypedSearchAttributes } from "@temporalio/common";
import { freshnessPolicyOf, type Definitions } from "../core";
import { MATERIA_KIND } from "./search-attributes";
import { AUTOMATION_DEFAULTS, automationWorkflowId, type AutomationWorkflowInput } from "./automation-shared";
import type { automationWorkflow, freshnessMonitorWorkflow, sensorWorkflow } from "./workflows";

export const SENSOR_ID_PREFIX = "materia-sensor:";
/** One freshness monitor per task queue (a deployment of materia). */
export function freshnessMonitorId(taskQueue: string): string {
  return `materia-freshness-monitor:${taskQueue}`;
}

/** How often the freshness monitor looks for missed freshness deadlines. */
export const FRESHNESS_MONITOR_INTERVAL_SECONDS = 300;

/** The freshness monitor runs beside the sensors when any asset declares a freshness deadline. */
export function needsFreshnessMonitor(definitions: Definitions): boolean {
  return definitions.graph.keys().some((key) => definitions.graph.node(key).checks.some((check) => freshnessPolicyOf(check) !== undefined));
}

/** Some asset declares an automation condition: the code location runs an automation workflow. */
export function needsAutomation(definitions: Definitions): boolean {
  return definitions.graph.keys().some((key) => {
    const definition = definitions.graph.node(key).definition;
    return definition.type !== "source" && definition.automation !== undefined;
  });
}

export function sensorWorkflowId(name: string): string {
  return `${SENSOR_ID_PREFIX}${name}`;
}

/**
 * Also starts the code location's automation workflow when an asset declares
 * a condition (and cancels it when none does any more). `automation`
 * overrides its tick interval and per-tick cap.
 */
export async function syncSensors(client: Client, definitions: Definitions, taskQueue: string, automation: Partial<AutomationWorkflowInput> = {}): Promise<{ running: string[]; cancelled: string[] }> {
  const running: string[] = [];
  for (const sensor of definitions.sensors.values()) {
    await client.workflow.start<typeof sensorWorkflow>("sensorWorkflow", {
      taskQueue,
      workflowId: sensorWorkflowId(sensor.name),
      args: [{ sensor: sensor.name, job: sensor.job, intervalSeconds: sensor.intervalSeconds }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: new TypedSearchAttributes([{ key: MATERIA_KIND, value: "sensor" }]),
    });
    running.push(sensor.name);
  }
  if (needsFreshnessMonitor(definitions)) {
    await client.workflow.start<typeof freshnessMonitorWorkflow>("freshnessMonitorWorkflow", {
      taskQueue,
      workflowId: freshnessMonitorId(taskQueue),
      args: [{ intervalSeconds: FRESHNESS_MONITOR_INTERVAL_SECONDS }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: new TypedSearchAttributes([{ key: MATERIA_KIND, value: "sensor" }]),
    });
    running.push(freshnessMonitorId(taskQueue));
  }
  const cancelled: string[] = [];
  const automationId = automationWorkflowId(taskQueue);
  if (needsAutomation(definitions)) {
    await client.workflow.start<typeof automationWorkflow>("automationWorkflow", {
      taskQueue,
      workflowId: automationId,
      args: [{ ...AUTOMATION_DEFAULTS, ...automation }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: new TypedSearchAttributes([{ key: MATERIA_KIND, value: "automation" }]),
    });
    running.push(automationId);
  } else {
    for await (const execution of client.workflow.list({ query: `ExecutionStatus = "Running" AND WorkflowId = "${automationId}"` })) {
      await client.workflow.getHandle(execution.workflowId).cancel();
      cancelled.push(execution.workflowId);
    }
  }
  for await (const execution of client.workflow.list({ query: `ExecutionStatus = "Running" AND WorkflowType = "sensorWorkflow"` })) {
    const name = execution.workflowId.startsWith(SENSOR_ID_PREFIX) ? execution.workflowId.slice(SENSOR_ID_PREFIX.length) : undefined;
    if (name !== undefined && !definitions.sensors.has(name) && execution.taskQueue === taskQueue) {
      await client.workflow.getHandle(execution.workflowId).cancel();
      cancelled.push(name);
    }
  }
  return { running, cancelled };
}
