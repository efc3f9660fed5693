/**
 * `materia dev`: the embedded Temporal dev server (or TEMPORAL_ADDRESS) and
 * a worker in one process; prints the Web UI address; Ctrl-C stops all.
 */
import type { Command } from "commander";
import { ensureTemporal } from "../../temporal/dev-server";
import { withTemporalClient } from "../../temporal/connection";
import { syncSchedules } from "../../temporal/schedules";
import { freshnessMonitorId, syncSensors } from "../../temporal/sensors";
import { createMateriaWorker } from "../../temporal/worker";
import { loadDefinitions } from "../../definitions";
import { createExecutionEnvironment } from "../../execution";
import { cliRuntime } from "../runtime";
import { syncSummary } from "./sensors";

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("Start the embedded Temporal dev server and a worker; Ctrl-C stops both")
    .action(async () => {
      const { config, log } = cliRuntime();
      const temporal = await ensureTemporal(config, log);
      try {
        const { worker, close } = await createMateriaWorker({ config, address: temporal.address, log, definitions: loadDefinitions(), env: createExecutionEnvironment(config, log) });
        await withTemporalClient(config, async (client) => {
          const synced = await syncSchedules(client, loadDefinitions(), config.temporal.taskQueue);
          const sensors = await syncSensors(client, loadDefinitions(), config.temporal.taskQueue);
          console.log(`materia dev: schedules synced (${synced.created.length} created, ${synced.updated.length} updated, ${synced.deleted.length} deleted); ${syncSummary(sensors, freshnessMonitorId(config.temporal.taskQueue))}`);
        });
        console.log(`materia dev: Temporal at ${temporal.address}, task queue "${config.temporal.taskQueue}"`);
        if (temporal.uiUrl) console.log(`materia dev: Web UI ${temporal.uiUrl}`);
        console.log("materia dev: press Ctrl-C to stop");
        // Worker.run resolves after SIGINT/SIGTERM (the SDK installs the handlers) and a graceful drain.
        await worker.run();
        await close();
      } finally {
        await temporal.stop();
      }
    });
}
