/**
 * `materia backfill --select … --from … --to … [--skip existing|fresh] [--concurrency N]`
 * with a live progress bar; `materia backfill status|pause|resume|cancel <id>`.
 */
import type { Command } from "commander";
import { WorkflowNotFoundError, type Client } from "@temporalio/client";
import { cliDefinitions } from "../definitions";
import { backfillProgressQuery, pauseBackfillSignal, resumeBackfillSignal, type BackfillSummary, type SkipMode } from "../../temporal/backfill-shared";
import { withTemporalClient } from "../../temporal/connection";
import { RuntimeError } from "../../utils/errors";
import { describeProgress, followBackfill, gridLines, startBackfill } from "../backfill-progress";
import { formatFailures } from "../backfill-report";
import { cliRuntime, EXIT } from "../runtime";
import { printJson } from "../table";
import { withTemporalSession } from "../temporal-session";
import { concurrencyFromArgs, jobFromArgs, targetAssets, runConfigFromArgs } from "../usage";

interface BackfillOptions {
  select?: string;
  job?: string;
  from?: string;
  to?: string;
  skip: SkipMode;
  concurrency?: string;
  wait: boolean;
  json?: boolean;
  config?: string;
}

async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const { config } = cliRuntime();
  return withTemporalClient(config, work);
}

async function describeExisting(client: Client, id: string) {
  try {
    return await client.workflow.getHandle(id).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new RuntimeError("NOT_FOUND", `No backfill with id "${id}".`, { hint: "List backfills in the Web UI with MateriaKind = \"backfill\", or copy the id `materia backfill` printed." });
    throw error;
  }
}

async function existingBackfill(client: Client, id: string) {
  await describeExisting(client, id);
  return client.workflow.getHandle(id);
}

/** The summary, and for a failed backfill which asset partitions failed, were blocked or wait on a missing upstream, and why. */
function printSummary(summary: BackfillSummary, json: boolean): void {
  if (json) return printJson(summary);
  console.log(
    `backfill ${summary.status}: ${summary.done} done, ${summary.failed} failed, ${summary.skipped} kept, ${summary.notRun} not run, ${summary.waiting} waiting of ${summary.total} asset partitions (${summary.partitions} partitions) in ${summary.durationSeconds}s`,
  );
  for (const line of formatFailures(summary.failures, summary.failed + summary.waiting - summary.failures.length)) console.log(line);
}

export function registerBackfill(program: Command): void {
  const backfill = program
    .command("backfill")
    .description("Backfill a range of partitions as a Temporal workflow, with a progress bar")
    .option("--select <selection>", "assets to backfill")
    .option("--job <name>", "a job instead of a selection")
    .option("--from <key>", "first partition (inclusive)")
    .option("--to <key>", "last partition (inclusive)")
    .option("--skip <mode>", "none | existing | fresh", "none")
    .option("--concurrency <n>", "asset partitions (steps) materialized at once (default: the job's maxConcurrentSteps, else 4)")
    .option("--config <file.json>", "run configuration by asset key, validated by each asset's config schema")
    .option("--no-wait", "start and return the backfill id")
    .option("--json", "print JSON")
    // With the program's positional options: `backfill status <id> --json` is the subcommand's --json.
    .enablePositionalOptions()
    .action(async (options: BackfillOptions) => {
      if (!options.select && !options.job) throw new RuntimeError("USAGE", "Give --select <selection> or --job <name>.", { hint: 'e.g. materia backfill --job example_monthly --from 2025-01 --to 2025-06' });
      if (!options.from || !options.to) throw new RuntimeError("USAGE", "Give --from and --to (inclusive partition keys).");
      if (!["none", "existing", "fresh"].includes(options.skip)) throw new RuntimeError("USAGE", `--skip must be none, existing or fresh (got "${options.skip}").`);
      const concurrency = concurrencyFromArgs(options.concurrency);
      // Validate locally first: unknown job/selection or bad keys fail (exit 2) before anything starts.
      const definitions = cliDefinitions();
      if (options.job) jobFromArgs(definitions, options.job);
      const assets = targetAssets(definitions, { ...(options.job ? { job: options.job } : {}), ...(options.select ? { selection: options.select } : {}) });
      const partitions = assets.map((key) => definitions.graph.node(key).partitions).find((p) => p !== undefined);
      if (!partitions) throw new RuntimeError("USAGE", "The selected assets are not partitioned: nothing to backfill.", { hint: "Use `materia materialize` for unpartitioned assets." });
      partitions.keysInRange(options.from, options.to);
      const runConfig = runConfigFromArgs(definitions, options.config, assets);
      const input = { ...(options.job ? { job: options.job } : {}), ...(options.select ? { selection: options.select } : {}), from: options.from, to: options.to, skip: options.skip, ...(concurrency !== undefined ? { maxConcurrentSteps: concurrency } : {}), ...(runConfig ? { config: runConfig } : {}) };
      const { config } = cliRuntime();
      await withTemporalSession(config, async (session) => {
        const handle = await startBackfill(session.client, config.temporal.taskQueue, input, { assets, startedBy: "materia backfill" });
        const link = `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(handle.workflowId)}`;
        console.error(`backfill ${handle.workflowId}: ${link}`);
        if (!options.wait) return options.json ? printJson({ id: handle.workflowId, link }) : console.log(handle.workflowId);
        const summary = await followBackfill(handle, { session });
        printSummary(summary, options.json === true);
        process.exitCode = summary.status === "succeeded" ? EXIT.ok : EXIT.failure;
      });
    });

  backfill
    .command("status <id>")
    .description("Progress of a backfill")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const { config } = cliRuntime();
      await withTemporalSession(config, async (session) => {
        const { status, progress } = await session.retrying(async (client) => {
          const description = await describeExisting(client, id);
          return { status: description.status.name, progress: description.status.name === "RUNNING" ? await client.workflow.getHandle(id).query(backfillProgressQuery) : undefined };
        });
        if (options.json) return printJson({ id, status, progress });
        console.log(`${id}: ${status}`);
        if (progress) console.log(`  ${describeProgress(progress)}`);
        if (progress?.grid) for (const line of gridLines(progress.grid)) console.log(`  ${line}`);
      });
    });
  for (const [name, signal, verb] of [
    ["pause", pauseBackfillSignal, "paused (running steps finish; no new ones start)"],
    ["resume", resumeBackfillSignal, "resumed"],
  ] as const) {
    backfill
      .command(`${name} <id>`)
      .description(`${name[0]!.toUpperCase()}${name.slice(1)} a backfill`)
      .action(async (id: string) =>
        withClient(async (client) => {
          await (await existingBackfill(client, id)).signal(signal);
          console.log(`${id}: ${verb}`);
        }),
      );
  }
  backfill
    .command("cancel <id>")
    .description("Cancel a backfill and its running steps")
    .action(async (id: string) =>
      withClient(async (client) => {
        await (await existingBackfill(client, id)).cancel();
        console.log(`${id}: cancellation requested`);
      }),
    );
}
