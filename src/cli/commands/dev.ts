/**
 * `materia dev`: the embedded Temporal dev server (or TEMPORAL_ADDRESS) and
 * a worker for the project's code location that restarts when its files
 * change; prints the Web UI address; Ctrl-C stops all.
 */
import { dirname } from "node:path";
import type { Command } from "commander";
import { ensureTemporal } from "../../temporal/dev-server";
import { cliCodeLocation } from "../definitions";
import { DevWorker } from "../dev-supervisor";
import { cliRuntime } from "../runtime";
import { findProjectConfig } from "../../config";

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("Start the embedded Temporal dev server and a worker that reloads on code changes; Ctrl-C stops both")
    .action(async () => {
      const { config, log } = cliRuntime();
      const location = cliCodeLocation();
      const temporal = await ensureTemporal(config, log);
      const configFile = findProjectConfig(process.cwd());
      const worker = new DevWorker({
        definitionsPath: location.definitionsPath,
        watchDirs: configFile ? [dirname(configFile)].filter((dir) => !location.definitionsPath.startsWith(dir)) : [],
        env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, MATERIA_TASK_QUEUE: config.temporal.taskQueue },
        cli: { command: process.execPath, args: [...process.execArgv, process.argv[1]!] },
      });
      try {
        console.log(`materia dev: Temporal at ${temporal.address}, task queue "${config.temporal.taskQueue}"`);
        if (temporal.uiUrl) console.log(`materia dev: Web UI ${temporal.uiUrl}`);
        console.log(`materia dev: serving ${location.definitionsPath}; saving a file there restarts the worker; Ctrl-C stops all`);
        worker.start();
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        console.log("materia dev: stopping");
      } finally {
        await worker.stop();
        await temporal.stop();
      }
    });
}
