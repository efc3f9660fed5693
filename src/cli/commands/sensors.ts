/** `materia sensors list|sync`: the sensors declared in code and their workflows. */
import type { Command } from "commander";
import { WorkflowNotFoundError } from "@temporalio/client";
import { loadDefinitions } from "../../definitions";
import { withTemporalClient } from "../../temporal/connection";
import { sensorWorkflowId, syncSensors } from "../../temporal/sensors";
import { cliRuntime } from "../runtime";
import { printJson, renderTable } from "../table";

export function registerSensors(program: Command): void {
  const sensors = program.command("sensors").description("Sensors declared in code");
  sensors
    .command("sync")
    .description("Start a workflow for each sensor in code (idempotent); cancel removed ones")
    .action(async () => {
      const { config } = cliRuntime();
      await withTemporalClient(config, async (client) => {
        const result = await syncSensors(client, loadDefinitions(), config.temporal.taskQueue);
        console.log(`sensors: ${result.running.length} running, ${result.cancelled.length} cancelled`);
      });
    });
  sensors
    .command("list")
    .description("List sensors and the state of their workflows")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { config } = cliRuntime();
      await withTemporalClient(config, async (client) => {
        const rows = [];
        for (const sensor of loadDefinitions().sensors.values()) {
          const status = await client.workflow
            .getHandle(sensorWorkflowId(sensor.name))
            .describe()
            .then((d) => d.status.name)
            .catch((error: unknown) => (error instanceof WorkflowNotFoundError ? "not started (run sync)" : Promise.reject(error)));
          rows.push({ name: sensor.name, job: sensor.job, intervalSeconds: sensor.intervalSeconds, status });
        }
        if (options.json) return printJson(rows);
        console.log(renderTable(["sensor", "job", "every", "workflow"], rows.map((r) => [r.name, r.job, `${r.intervalSeconds}s`, r.status])));
      });
    });
}
