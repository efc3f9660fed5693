/**
 * `materia demo` (what `npm start` runs): on the embedded defaults, start the
 * Temporal dev server and a worker for the project's code location, and for
 * every generator that declares a demo, put its sample data in the landing
 * area and backfill its job over those partitions through Temporal with
 * progress bars; print the status tables and where to look. `--keep` leaves
 * everything running. Which pipelines take part is the definitions' business
 * (`defineGenerator({ demo })`), not the framework's.
 */
import type { Command } from "commander";
import type { GeneratorDefinition } from "../../core";
import { cliEnvironment } from "../definitions";
import type { ExecutionEnvironment } from "../../execution";
import { ensureTemporal } from "../../temporal/dev-server";
import { createMateriaWorker } from "../../temporal/worker";
import { followBackfill, startBackfill } from "../backfill-progress";
import { cliRuntime, EXIT } from "../runtime";
import { withTemporalSession, type TemporalSession } from "../temporal-session";
import { jobFromArgs } from "../usage";
import { printStatus } from "./status";
import { runGenerator } from "./generate";

interface DemoPipeline {
  generator: GeneratorDefinition;
  job: string;
  /** What the status table shows: the job's selection. */
  selection: string;
  months: [string, string];
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Run the demo on the embedded defaults (what `npm start` runs)")
    .option("--keep", "leave the dev server and worker running (Ctrl-C to stop)")
    .option("--only <job>", "run one demo job only (see `materia generate` for the generators and their jobs)")
    .action(async (options: { keep?: boolean; only?: string }) => {
      // The progress bars and status tables tell the story; step logs only when asked for.
      process.env.MATERIA_LOG_LEVEL ??= "warn";
      const { config, log } = cliRuntime();
      const { definitions, env, teardown } = await cliEnvironment(config, log);
      const pipelines: DemoPipeline[] = [...definitions.generators.values()].flatMap((generator) =>
        generator.demo ? [{ generator, job: generator.demo.job, selection: definitions.job(generator.demo.job).selection, months: [generator.demo.from, generator.demo.to] as [string, string] }] : [],
      ).filter((p) => options.only === undefined || p.job === options.only);
      if (options.only !== undefined) jobFromArgs(definitions, options.only);
      if (pipelines.length === 0) console.log("materia demo: no generator in these definitions declares a demo (defineGenerator({ demo: { job, from, to } })); starting the stack only.");
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
          const first = pipelines[0];
          if (first) console.log(`  filter runs       MateriaKind = "run" AND MateriaPartition = "${first.months[0]}"`);
          console.log(`  the data          ${env.store.description} (manifests/, data/, landing/)`);
          if (first) console.log(`  the CLI           materia status --select "${first.selection}" --from ${first.months[0]} --to ${first.months[1]}`);
          if (options.keep) {
            console.log("\nmateria demo: --keep: the dev server and worker keep running; Ctrl-C to stop.");
            await running;
          } else {
            worker.shutdown();
            await running;
          }
        } finally {
          // Also when a pipeline threw: the worker lets go of its connection before it is closed (else the close error hides the real one).
          if (worker.getState() === "RUNNING") worker.shutdown();
          await running.catch(() => undefined);
          await close();
        }
      } finally {
        await temporal.stop();
        await teardown();
      }
    });
}

async function runPipeline(session: TemporalSession, env: ExecutionEnvironment, pipeline: DemoPipeline): Promise<{ ok: boolean; workflowId: string }> {
  const [from, to] = pipeline.months;
  console.log(`\n== ${pipeline.job}: landing sample data for ${from}..${to} (generator ${pipeline.generator.name})`);
  await runGenerator(pipeline.generator, from, to, {});
  const handle = await startBackfill(session.client, session.taskQueue, { job: pipeline.job, from, to });
  const summary = await followBackfill(handle, { bar: true, session }).catch((error: unknown) => {
    console.error(`materia demo: ${pipeline.job} backfill failed: ${error instanceof Error && "describe" in error && typeof error.describe === "function" ? String(error.describe()) : String(error)}`);
    return undefined;
  });
  if (summary) console.log(`materia demo: ${pipeline.job}: ${summary.status}, ${summary.done}/${summary.total} asset partitions (${summary.partitions} partitions) in ${summary.durationSeconds}s\n`);
  await printStatus(env, { select: pipeline.selection, from, to });
  return { ok: summary?.status === "succeeded", workflowId: handle.workflowId };
}
