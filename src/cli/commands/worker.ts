/** `materia worker`: a worker against TEMPORAL_ADDRESS (production). */
import type { Command } from "commander";
import { ensureTemporal } from "../../temporal/dev-server";
import { createMateriaWorker } from "../../temporal/worker";
import { loadDefinitions } from "../../definitions";
import { createExecutionEnvironment } from "../../execution";
import { cliRuntime } from "../runtime";
import { RuntimeError } from "../../utils/errors";

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("Run a worker against TEMPORAL_ADDRESS; SIGINT/SIGTERM drain it gracefully")
    .action(async () => {
      const { config, log } = cliRuntime();
      if (config.temporal.address === undefined) {
        throw new RuntimeError("USAGE", "`materia worker` needs TEMPORAL_ADDRESS.", { hint: "Set TEMPORAL_ADDRESS=host:7233, or use `materia dev` for the embedded server." });
      }
      await ensureTemporal(config, log);
      const { worker, close } = await createMateriaWorker({ config, log, definitions: loadDefinitions(), env: createExecutionEnvironment(config, log) });
      log.info({ address: config.temporal.address, taskQueue: config.temporal.taskQueue }, "worker started");
      await worker.run();
      await close();
      log.info("worker stopped");
    });
}
