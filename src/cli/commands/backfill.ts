/**
 * `materia backfill --select … --from … --to … [--skip existing|fresh] [--concurrency N]`
 * with a live progress bar; `materia backfill status|pause|resume|cancel <id>`.
 */
import type { Command } from "commander";
import type { Client } from "@temporalio/client";
import { WorkflowNotFoundError } from "@temporalio/client";
import { loadDefinitions } from "../../definitions";
import { selectionKeys } from "../../execution";
import { backfillProgressQuery, pauseBackfillSignal, resumeBackfillSignal, type SkipMode } from "../../temporal/backfill-shared";
import { withTemporalClient } from "../../temporal/connection";
import { RuntimeError } from "../../utils/errors";
import { followBackfill, startBackfill } from "../backfill-progress";
import { cliRuntime, EXIT } from "../runtime";
import { printJson } from "../table";

interface BackfillOptions {
  select?: string;
  job?: string;
  from?: string;
  to?: string;
  skip: SkipMode;
  concurrency: string;
  partitionsPerRun: string;
  wait: boolean;
  json?: boolean;
}

async function withClient<T>(work: (client: Client, taskQueue: string, uiUrl: string, namespace: string) => Promise<T>): Promise<T> {
  const { config } = cliRuntime();
  return withTemporalClient(config, (client) => work(client, config.temporal.taskQueue, config.temporal.uiUrl, config.temporal.namespace));
}

async function existingBackfill(client: Client, id: string) {
  const handle = client.workflow.getHandle(id);
  try {
    await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new RuntimeError("NOT_FOUND", `No backfill with id "${id}".`, { hint: "List backfills in the Web UI with MateriaKind = \"backfill\", or copy the id `materia backfill` printed." });
    throw error;
  }
  return handle;
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
    .option("--concurrency <n>", "partition runs at once", "2")
    .option("--partitions-per-run <n>", "ordered backfills: consecutive partitions planned as one run", "12")
    .option("--no-wait", "start and return the backfill id")
    .option("--json", "print JSON")
    .action(async (options: BackfillOptions) => {
      if (!options.select && !options.job) throw new RuntimeError("USAGE", "Give --select <selection> or --job <name>.", { hint: 'e.g. materia backfill --job example_monthly --from 2025-01 --to 2025-06' });
      if (!options.from || !options.to) throw new RuntimeError("USAGE", "Give --from and --to (inclusive partition keys).");
      if (!["none", "existing", "fresh"].includes(options.skip)) throw new RuntimeError("USAGE", `--skip must be none, existing or fresh (got "${options.skip}").`);
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new RuntimeError("USAGE", `--concurrency must be a positive integer (got "${options.concurrency}").`);
      const partitionsPerRun = Number(options.partitionsPerRun);
      if (!Number.isInteger(partitionsPerRun) || partitionsPerRun < 1) throw new RuntimeError("USAGE", `--partitions-per-run must be a positive integer (got "${options.partitionsPerRun}").`);
      // Validate locally first: unknown job/selection or bad keys fail before anything starts.
      const definitions = loadDefinitions();
      if (options.job) definitions.job(options.job);
      const assets = selectionKeys(definitions, { ...(options.job ? { job: options.job } : {}), ...(options.select ? { selection: options.select } : {}) });
      const partitions = assets.map((key) => definitions.graph.node(key).partitions).find((p) => p !== undefined);
      if (!partitions) throw new RuntimeError("USAGE", "The selected assets are not partitioned: nothing to backfill.", { hint: "Use `materia materialize` for unpartitioned assets." });
      partitions.keysInRange(options.from, options.to);
      const input = { ...(options.job ? { job: options.job } : {}), ...(options.select ? { selection: options.select } : {}), from: options.from, to: options.to, skip: options.skip, maxConcurrentRuns: concurrency, partitionsPerRun };
      await withClient(async (client, taskQueue, uiUrl, namespace) => {
        const handle = await startBackfill(client, taskQueue, input);
        const link = `${uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(handle.workflowId)}`;
        console.error(`backfill ${handle.workflowId}: ${link}`);
        if (!options.wait) return options.json ? printJson({ id: handle.workflowId, link }) : console.log(handle.workflowId);
        const summary = await followBackfill(handle);
        if (options.json) printJson(summary);
        else console.log(`backfill ${summary.status}: ${summary.done} done, ${summary.failed} failed, ${summary.skipped} skipped of ${summary.total} in ${summary.durationSeconds}s`);
        process.exitCode = summary.status === "succeeded" ? EXIT.ok : EXIT.failure;
      });
    });

  backfill
    .command("status <id>")
    .description("Progress of a backfill")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean }) =>
      withClient(async (client) => {
        const handle = await existingBackfill(client, id);
        const description = await handle.describe();
        const progress = description.status.name === "RUNNING" ? await handle.query(backfillProgressQuery) : undefined;
        if (options.json) return printJson({ id, status: description.status.name, progress });
        console.log(`${id}: ${description.status.name}`);
        if (progress) console.log(`  ${progress.done} done, ${progress.failed} failed, ${progress.skipped} skipped, ${progress.running} running, ${progress.pending} pending of ${progress.total}${progress.paused ? " (paused)" : ""}; ETA ${progress.etaSeconds ?? "?"}s`);
      }),
    );
  for (const [name, signal, verb] of [
    ["pause", pauseBackfillSignal, "paused (running partitions finish; no new ones start)"],
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
    .description("Cancel a backfill and its running partition runs")
    .action(async (id: string) =>
      withClient(async (client) => {
        await (await existingBackfill(client, id)).cancel();
        console.log(`${id}: cancellation requested`);
      }),
    );
}
