/**
 * `materia dev`: the embedded Temporal dev server (or TEMPORAL_ADDRESS) and,
 * for each code location of the project (one, or a workspace's several, or
 * the one `--location` names), a worker that restarts when its files
 * change; prints the Web UI address; Ctrl-C stops all.
 */
import { dirname } from "node:path";
import type { Command } from "commander";
import { findProjectConfig, type CodeLocation } from "../../config";
import { loadDefinitionsFrom } from "../../execution";
import { ensureTemporal } from "../../temporal/dev-server";
import { RuntimeError } from "../../utils/errors";
import { cliCodeLocation, cliCodeLocations } from "../definitions";
import { DevWorker } from "../dev-supervisor";
import { cliRuntime } from "../runtime";
import { startCliUi } from "./ui";

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("Start the embedded Temporal dev server and a worker per code location that reloads on code changes; Ctrl-C stops all")
    .option("--no-ui", "do not start the asset UI")
    .action(async (options: { location?: string; ui: boolean }) => {
      const { config, log } = cliRuntime();
      const locations = options.location !== undefined ? [cliCodeLocation()] : cliCodeLocations();
      assertDistinctAssets(locations);
      const temporal = await ensureTemporal(config, log);
      const configFile = findProjectConfig(process.cwd());
      const workers = locations.map((location) => {
        const taskQueue = location.taskQueue ?? config.temporal.taskQueue;
        console.log(`materia dev: location "${location.name}": ${location.definitionsPath}, task queue "${taskQueue}"`);
        return new DevWorker({
          definitionsPath: location.definitionsPath,
          watchDirs: configFile && !location.definitionsPath.startsWith(dirname(configFile)) ? [dirname(configFile)] : [],
          env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, MATERIA_TASK_QUEUE: taskQueue, MATERIA_LOCATION: location.name },
          cli: { command: process.execPath, args: [...process.execArgv, process.argv[1]!] },
        });
      });
      // The asset UI shows one location's definitions: the one here, or the one --location names.
      const ui = options.ui && locations.length === 1 ? await startCliUi({ ...config, temporal: { ...config.temporal, address: temporal.address } }, log).catch(async (error: unknown) => {
        await temporal.stop();
        throw error;
      }) : undefined;
      try {
        console.log(`materia dev: Temporal at ${temporal.address}`);
        if (temporal.uiUrl) console.log(`materia dev: Web UI ${temporal.uiUrl}`);
        if (ui) console.log(`materia dev: asset UI ${ui.url}`);
        else if (options.ui) console.log("materia dev: asset UI: this workspace has several locations; start one with `materia ui --location <name>`");
        console.log("materia dev: saving a file of a location restarts its worker; Ctrl-C stops all");
        for (const worker of workers) worker.start();
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        console.log("materia dev: stopping");
      } finally {
        await Promise.all(workers.map((worker) => worker.stop()));
        await ui?.close();
        await temporal.stop();
      }
    });
}

/** One asset key, one location: two would write the same manifests from different code. */
function assertDistinctAssets(locations: CodeLocation[]): void {
  if (locations.length < 2) return;
  const owner = new Map<string, string>();
  for (const location of locations) {
    for (const key of loadDefinitionsFrom(location.definitionsPath).graph.keys()) {
      const other = owner.get(key);
      if (other !== undefined) {
        throw new RuntimeError("USAGE", `Asset "${key}" is declared by code locations "${other}" and "${location.name}".`, { hint: "An asset belongs to one location: rename it or remove it from one of them." });
      }
      owner.set(key, location.name);
    }
  }
}
