/** `materia worker`: a worker against TEMPORAL_ADDRESS (production), serving the project's code location. */
import type { Command } from "commander";
import { withTemporalClient } from "../../temporal/connection";
import { ensureTemporal } from "../../temporal/dev-server";
import { syncSchedules } from "../../temporal/schedules";
import { freshnessMonitorId, syncSensors } from "../../temporal/sensors";
import { createMateriaWorker } from "../../temporal/worker";
import { cliEnvironment } from "../definitions";
import { cliRuntime } from "../runtime";
import { RuntimeError } from "../../utils/errors";
import { syncSummary } from "./sensors";

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("Run a worker against TEMPORAL_ADDRESS; SIGINT/SIGTERM drain it gracefully")
    .option("--sync", "first sync the definitions' schedules and sensors to the server (what `materia dev` does on every reload)")
    .action(async (options: { sync?: boolean }) => {
      const { config, log } = cliRuntime();
      if (config.temporal.address === undefined) {
        throw new RuntimeError("USAGE", "`materia worker` needs TEMPORAL_ADDRESS.", { hint: "Set TEMPORAL_ADDRESS=host:7233, or use `materia dev` for the embedded server." });
      }
      await ensureTemporal(config, log);
      const { definitions, env, teardown } = await cliEnvironment(config, log);
      try {
        const { worker, close } = await createMateriaWorker({ config, log, definitions, env });
        if (options.sync) {
          await withTemporalClient(config, async (client) => {
            const synced = await syncSchedules(client, definitions, config.temporal.taskQueue);
            const sensors = await syncSensors(client, definitions, config.temporal.taskQueue);
            console.log(`materia: schedules synced (${synced.created.length} created, ${synced.updated.length} updated, ${synced.deleted.length} deleted); ${syncSummary(sensors, freshnessMonitorId(config.temporal.taskQueue))}`);
          });
        }
        log.info({ address: config.temporal.address, taskQueue: config.temporal.taskQueue, assets: definitions.graph.keys().length }, "worker started");
        console.log(`materia: worker ready (${definitions.graph.keys().length} assets, task queue "${config.temporal.taskQueue}")`);
        await worker.run();
        await close();
      } finally {
        await teardown();
      }
      log.info("worker stopped");
    });
}
