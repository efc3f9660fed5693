/**
 * `materia sensors list|sync`: the sensors declared in code and their
 * workflows, and the freshness monitor — not a sensor in code, but a
 * workflow `sensors sync` starts beside them when any asset has a freshness
 * check: it looks for missed freshness deadlines every few minutes and
 * alerts. Both commands show it, on its own line, so their counts agree.
 */
import type { Command } from "commander";
import { WorkflowNotFoundError, type Client } from "@temporalio/client";
import { cliDefinitions } from "../definitions";
import { withTemporalClient } from "../../temporal/connection";
import { FRESHNESS_MONITOR_INTERVAL_SECONDS, freshnessMonitorId, needsFreshnessMonitor, sensorWorkflowId, syncSensors } from "../../temporal/sensors";
import { cliRuntime } from "../runtime";
import { printJson, renderTable } from "../table";

export const FRESHNESS_MONITOR_NAME = "(freshness monitor)";
export const FRESHNESS_MONITOR_ABOUT = "checks every asset with a freshness check for missed deadlines and alerts; started by `sensors sync` beside the sensors";

export interface SensorRow {
  name: string;
  kind: "sensor" | "freshness-monitor";
  job: string | null;
  intervalSeconds: number;
  workflowId: string;
  status: string;
}

/** The sync's summary line: sensors and the freshness monitor counted apart. */
export function syncSummary(result: { running: string[]; cancelled: string[] }, monitorId: string): string {
  const sensors = result.running.filter((id) => id !== monitorId).length;
  const monitor = result.running.includes(monitorId);
  return `sensors: ${sensors} running, ${result.cancelled.length} cancelled${monitor ? `; freshness monitor running (${FRESHNESS_MONITOR_ABOUT.split(";")[0]})` : ""}`;
}

async function workflowStatus(client: Client, workflowId: string): Promise<string> {
  return client.workflow
    .getHandle(workflowId)
    .describe()
    .then((d) => d.status.name)
    .catch((error: unknown) => (error instanceof WorkflowNotFoundError ? "not started (run sync)" : Promise.reject(error)));
}

export function registerSensors(program: Command): void {
  const sensors = program.command("sensors").description("Sensors declared in code, and the freshness monitor");
  sensors
    .command("sync")
    .description("Start a workflow for each sensor in code (and the freshness monitor, when assets have freshness checks); idempotent; cancel removed ones")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { config } = cliRuntime();
      await withTemporalClient(config, async (client) => {
        const result = await syncSensors(client, cliDefinitions(), config.temporal.taskQueue);
        const monitorId = freshnessMonitorId(config.temporal.taskQueue);
        if (options.json) return printJson({ sensors: result.running.filter((id) => id !== monitorId), freshnessMonitor: result.running.includes(monitorId) ? monitorId : null, cancelled: result.cancelled });
        console.log(syncSummary(result, monitorId));
      });
    });
  sensors
    .command("list")
    .description("List sensors (and the freshness monitor) and the state of their workflows")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { config } = cliRuntime();
      const definitions = cliDefinitions();
      await withTemporalClient(config, async (client) => {
        const rows: SensorRow[] = [];
        for (const sensor of definitions.sensors.values()) {
          const workflowId = sensorWorkflowId(sensor.name);
          rows.push({ name: sensor.name, kind: "sensor", job: sensor.job, intervalSeconds: sensor.intervalSeconds, workflowId, status: await workflowStatus(client, workflowId) });
        }
        if (needsFreshnessMonitor(definitions)) {
          const workflowId = freshnessMonitorId(config.temporal.taskQueue);
          rows.push({ name: FRESHNESS_MONITOR_NAME, kind: "freshness-monitor", job: null, intervalSeconds: FRESHNESS_MONITOR_INTERVAL_SECONDS, workflowId, status: await workflowStatus(client, workflowId) });
        }
        if (options.json) return printJson(rows);
        console.log(renderTable(["sensor", "job", "every", "workflow"], rows.map((r) => [r.name, r.job ?? "-", `${r.intervalSeconds}s`, r.status])));
        if (rows.some((r) => r.kind === "freshness-monitor")) console.log(`\n${FRESHNESS_MONITOR_NAME}: ${FRESHNESS_MONITOR_ABOUT}.`);
      });
    });
}
