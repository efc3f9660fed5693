/**
 * A materia worker in its own process (so a test can SIGKILL it), serving the
 * fixture pipeline plus a slow step. Configured by the environment:
 * MATERIA_HOME, MATERIA_STORAGE_URL, TEMPORAL_ADDRESS, MATERIA_TASK_QUEUE.
 */
import { defineAsset, defineDefinitions } from "../../src/core";
import { loadConfig } from "../../src/config";
import { createExecutionEnvironment } from "../../src/execution";
import { createMateriaWorker } from "../../src/temporal/worker";
import { createLogger } from "../../src/utils/logger";
import { exitWithParent } from "./child-processes";
import { fixtureDefinitions } from "./fixture-pipeline";

export const SLOW_STEP_MS = 6_000;

async function main(): Promise<void> {
  // A worker left behind by a killed test run would poll a dead server forever.
  exitWithParent();
  const base = fixtureDefinitions();
  const slowReport = defineAsset({
    key: "shop/slow_report",
    deps: ["shop/summary"],
    timeout: { heartbeat: "2 seconds", startToClose: "5 minutes" },
    // One attempt for errors: a killed worker must not use it up (crashes have their own retries).
    retry: { maximumAttempts: 1, initialInterval: "500 milliseconds" },
    async materialize(ctx) {
      // On stdout, whatever the log level: the crash test kills the worker when it sees this.
      process.stdout.write("slow step started\n");
      const deadline = Date.now() + SLOW_STEP_MS;
      while (Date.now() < deadline) {
        ctx.heartbeat({ remainingMs: deadline - Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      return "SELECT days, revenue, 'slow' AS kind FROM summary";
    },
  });
  const definitions = defineDefinitions({ assets: [...base.assets, slowReport] });
  const config = loadConfig({ readDotenv: false });
  const log = createLogger({ level: "warn", format: "json" });
  const { worker, close } = await createMateriaWorker({ config, log, definitions, env: createExecutionEnvironment(config, log), bundleOnTheFly: true });
  console.log("worker-ready");
  await worker.run();
  await close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
