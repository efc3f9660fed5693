/**
 * `materia demo` (what `npm start` runs): on the embedded defaults, start the
 * Temporal dev server and a worker, put sample vendor data in the landing
 * area (example page views, TTB registry extracts, futures bars), backfill a
 * few months of each pipeline through Temporal with progress bars, print the
 * status tables and where to look. `--keep` leaves everything running.
 */
import type { Command } from "commander";
import { writeExampleLanding } from "../../assets/example";
import { generateMarketMonths } from "../../assets/market/vendor";
import { generateTtbMonths } from "../../assets/ttb";
import { loadDefinitions } from "../../definitions";
import { createExecutionEnvironment, type ExecutionEnvironment } from "../../execution";
import { ensureTemporal } from "../../temporal/dev-server";
import { createMateriaWorker } from "../../temporal/worker";
import { followBackfill, startBackfill } from "../backfill-progress";
import { cliRuntime, EXIT } from "../runtime";
import { withTemporalSession, type TemporalSession } from "../temporal-session";
import { jobFromArgs } from "../usage";
import { printStatus } from "./status";

interface DemoPipeline {
  job: string;
  group: string;
  months: [string, string];
  /** Puts the months' vendor files in the landing area. */
  land: (env: ExecutionEnvironment, from: string, to: string) => Promise<void>;
}

const PIPELINES: DemoPipeline[] = [
  { job: "example_monthly", group: "example", months: ["2025-01", "2025-03"], land: (env, from, to) => writeExampleLanding(env.store, loadDefinitions().graph.node("example/page_views").partitions!.keysInRange(from, to), env.duckdb) },
  { job: "ttb_monthly", group: "ttb", months: ["2024-01", "2024-03"], land: async (env, from, to) => void (await generateTtbMonths({ store: env.store, from, to })) },
  { job: "market_monthly", group: "market", months: ["2025-08", "2025-10"], land: async (env, from, to) => void (await generateMarketMonths({ store: env.store, from, to })) },
];

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Run the demo on the embedded defaults (what `npm start` runs)")
    .option("--keep", "leave the dev server and worker running (Ctrl-C to stop)")
    .option("--only <job>", "run one pipeline's job only (example_monthly, ttb_monthly, market_monthly)")
    .action(async (options: { keep?: boolean; only?: string }) => {
      // The progress bars and status tables tell the story; step logs only when asked for.
      process.env.MATERIA_LOG_LEVEL ??= "warn";
      const { config, log } = cliRuntime();
      const definitions = loadDefinitions();
      const env = createExecutionEnvironment(config, log);
      const pipelines = PIPELINES.filter((p) => options.only === undefined || p.job === options.only);
      if (options.only !== undefined) jobFromArgs(definitions, options.only);
      console.log(`materia demo: lake at ${env.store.description}; starting the Temporal dev server…`);
      const temporal = await ensureTemporal(config, log);
      try {
        const { worker, close } = await createMateriaWorker({ config, address: temporal.address, log, definitions, env });
        const running = worker.run();
        try {
          const backfills: string[] = [];
          await withTemporalSession(config, async (session) => {
            let failed = false;
            for (const pipeline of pipelines) {
              const outcome = await runPipeline(session, env, pipeline);
              backfills.push(outcome.workflowId);
              failed ||= !outcome.ok;
            }
            process.exitCode = failed ? EXIT.failure : EXIT.ok;
          });
          const ui = temporal.uiUrl ?? config.temporal.uiUrl;
          const ns = config.temporal.namespace;
          console.log(`\nWhere to look:`);
          console.log(`  Temporal Web UI   ${ui}/namespaces/${ns}/workflows`);
          for (const id of backfills) console.log(`  backfill          ${ui}/namespaces/${ns}/workflows/${encodeURIComponent(id)}`);
          console.log(`  filter runs       MateriaKind = "run" AND MateriaPartition = "2024-02"`);
          console.log(`  the data          ${env.store.description} (manifests/, data/, landing/)`);
          console.log(`  the CLI           npm run materia -- status --select "group:ttb" --from 2024-01 --to 2024-03`);
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

async function runPipeline(session: TemporalSession, env: ExecutionEnvironment, pipeline: DemoPipeline): Promise<{ ok: boolean; workflowId: string }> {
  const [from, to] = pipeline.months;
  console.log(`\n== ${pipeline.job}: landing sample vendor data for ${from}..${to}`);
  await pipeline.land(env, from, to);
  const handle = await startBackfill(session.client, session.taskQueue, { job: pipeline.job, from, to, maxConcurrentRuns: 2 });
  const summary = await followBackfill(handle, { bar: true, session }).catch((error: unknown) => {
    console.error(`materia demo: ${pipeline.job} backfill failed: ${error instanceof Error && "describe" in error && typeof error.describe === "function" ? String(error.describe()) : String(error)}`);
    return undefined;
  });
  if (summary) console.log(`materia demo: ${pipeline.job}: ${summary.status}, ${summary.done}/${summary.total} partitions in ${summary.durationSeconds}s\n`);
  await printStatus(env, { select: `group:${pipeline.group}`, from, to });
  return { ok: summary?.status === "succeeded", workflowId: handle.workflowId };
}
