/**
 * `materia demo` (what `npm start` runs): on the embedded defaults, start the
 * Temporal dev server and a worker, put sample vendor files in the landing
 * area, backfill a few months through Temporal with a progress bar, print the
 * status table and where to look. `--keep` leaves everything running.
 */
import type { Command } from "commander";
import { exampleAssets, writeExampleLanding } from "../../assets/example";
import { loadDefinitions } from "../../definitions";
import { createExecutionEnvironment } from "../../execution";
import { connectClient } from "../../temporal/connection";
import { ensureTemporal } from "../../temporal/dev-server";
import { createMateriaWorker } from "../../temporal/worker";
import { followBackfill, startBackfill } from "../backfill-progress";
import { cliRuntime, EXIT } from "../runtime";
import { printStatus } from "./status";

const DEMO_MONTHS = ["2025-01", "2025-02", "2025-03"];

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Run the demo on the embedded defaults (what `npm start` runs)")
    .option("--keep", "leave the dev server and worker running (Ctrl-C to stop)")
    .action(async (options: { keep?: boolean }) => {
      // The progress bar and the status table tell the story; step logs only when asked for.
      process.env.MATERIA_LOG_LEVEL ??= "warn";
      const { config, log } = cliRuntime();
      const definitions = loadDefinitions();
      const env = createExecutionEnvironment(config, log);
      console.log(`materia demo: ${exampleAssets.length} example assets, lake at ${env.store.description}`);
      console.log("materia demo: starting the Temporal dev server…");
      const temporal = await ensureTemporal(config, log);
      try {
        const { worker, close } = await createMateriaWorker({ config, address: temporal.address, log, definitions, env });
        const running = worker.run();
        try {
          console.log(`materia demo: writing sample landing files for ${DEMO_MONTHS.join(", ")}`);
          await writeExampleLanding(env.store, DEMO_MONTHS, env.duckdb);
          const client = await connectClient(config);
          try {
            const handle = await startBackfill(client, config.temporal.taskQueue, { job: "example_monthly", from: DEMO_MONTHS[0], to: DEMO_MONTHS[DEMO_MONTHS.length - 1], maxConcurrentRuns: 1 });
            console.log(`materia demo: backfill ${handle.workflowId} started`);
            const summary = await followBackfill(handle, { bar: true });
            console.log(`materia demo: backfill ${summary.status}: ${summary.done}/${summary.total} partitions in ${summary.durationSeconds}s\n`);
            process.exitCode = summary.status === "succeeded" ? EXIT.ok : EXIT.failure;
            await printStatus(env, { select: "group:example", from: DEMO_MONTHS[0]!, to: DEMO_MONTHS[DEMO_MONTHS.length - 1]! });
            const ui = temporal.uiUrl ?? config.temporal.uiUrl;
            console.log(`\nWhere to look:`);
            console.log(`  Temporal Web UI   ${ui}/namespaces/${config.temporal.namespace}/workflows`);
            console.log(`  this backfill     ${ui}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(handle.workflowId)}`);
            console.log(`  filter runs       MateriaPartition = "2025-02"`);
            console.log(`  the data          ${env.store.description} (manifests/, data/)`);
          } finally {
            await client.connection.close();
          }
          if (options.keep) {
            console.log("\nmateria demo: --keep: the dev server and worker keep running; Ctrl-C to stop.");
            await running;
          } else {
            worker.shutdown();
            await running;
          }
        } finally {
          await close();
        }
      } finally {
        await temporal.stop();
      }
    });
}
