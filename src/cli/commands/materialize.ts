/**
 * `materia materialize --select <selection> --partition <key> [--wait] [--concurrency N]`:
 * start a run through Temporal (joining an identical running one), or with
 * `--in-process` run it here without Temporal.
 */
import type { Command } from "commander";
import { cliDefinitions, cliEnvironment } from "../definitions";
import { buildPlan } from "../../core";
import { materialize } from "../../execution";
import { startRun } from "../../temporal/client";
import type { RunSummary, StepSummary } from "../../temporal/shared";
import { RuntimeError } from "../../utils/errors";
import { isRunSummary } from "../backfill-report";
import { cliRuntime, EXIT } from "../runtime";
import { printJson, renderTable } from "../table";
import { withTemporalSession } from "../temporal-session";
import { concurrencyFromArgs, requirePartitions, runConfigFromArgs, targetAssets } from "../usage";
import { failureCause, failureSummary, rethrowWithCause } from "../workflow-failure";

interface MaterializeOptions {
  select?: string;
  job?: string;
  partition: string[];
  wait?: boolean;
  inProcess?: boolean;
  json?: boolean;
  config?: string;
  concurrency?: string;
}

export function registerMaterialize(program: Command): void {
  program
    .command("materialize")
    .description("Materialize a selection (or a job) for partitions, as a Temporal run")
    .option("--select <selection>", 'assets to materialize, e.g. "key:example/*" or "+example/top_pages"')
    .option("--job <name>", "a job instead of a selection")
    .option("--partition <key>", "a partition key (repeatable)", (value: string, all: string[]) => [...all, value], [] as string[])
    .option("--wait", "wait for the run and print its steps")
    .option("--in-process", "run here, without Temporal (no durability)")
    .option("--concurrency <n>", "steps materialized at once (default: the job's maxConcurrentSteps, else 4)")
    .option("--config <file.json>", "run configuration by asset key, validated by each asset's config schema")
    .option("--json", "print JSON")
    .action(async (options: MaterializeOptions) => {
      const { config, log } = cliRuntime();
      const definitions = cliDefinitions();
      if (!options.select && !options.job) throw new RuntimeError("USAGE", "Give --select <selection> or --job <name>.", { hint: 'e.g. materia materialize --select "group:example" --partition 2025-01' });
      const target = { ...(options.job ? { job: options.job } : {}), ...(options.select ? { selection: options.select } : {}) };

      // Validate here — unknown job or selection, missing or bad partition keys — before anything starts (exit 2).
      const assets = targetAssets(definitions, target);
      requirePartitions(definitions, assets, options.partition);
      buildPlan(definitions.graph, { assets, partitions: options.partition });
      const runConfig = runConfigFromArgs(definitions, options.config, assets);
      const concurrency = concurrencyFromArgs(options.concurrency);
      const limits = concurrency !== undefined ? { maxConcurrentSteps: concurrency } : {};

      if (options.inProcess) {
        const { env, teardown } = await cliEnvironment(config, log);
        const result = await materialize(definitions, { ...target, partitions: options.partition, env, ...limits, ...(runConfig ? { config: runConfig } : {}) }).finally(teardown);
        if (options.json) printJson(result);
        else console.log(renderTable(["step", "status", "rows", "ms"], result.steps.map((s) => [s.id, s.status, s.outputs.reduce((n, o) => n + o.rowCount, 0), s.durationMs])));
        process.exitCode = result.status === "succeeded" ? EXIT.ok : EXIT.failure;
        return;
      }

      await withTemporalSession(config, async (session) => {
        const { handle, workflowId } = await startRun(session.client, config.temporal.taskQueue, { ...target, partitions: options.partition, ...limits, ...(runConfig ? { config: runConfig } : {}) }, { assets, startedBy: "materia materialize" });
        const link = `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`;
        if (!options.wait) {
          if (options.json) printJson({ workflowId, link });
          else console.log(`run ${workflowId} started (or joined): ${link}`);
          return;
        }
        // Follow the run started (or joined) here, through server restarts.
        // The started (or joined) execution, not a later run under the same id.
        const firstExecutionRunId = "firstExecutionRunId" in handle && typeof handle.firstExecutionRunId === "string" ? handle.firstExecutionRunId : undefined;
        const outcome = await session
          .retrying((client) => client.workflow.getHandle(workflowId, undefined, firstExecutionRunId ? { firstExecutionRunId } : {}).result() as Promise<RunSummary>)
          .then(
            (summary) => ({ summary, cause: undefined }),
            (error: unknown) => ({ summary: failedSummary(error, workflowId), cause: failureCause(error) }),
          );
        const { summary } = outcome;
        if (options.json) printJson({ workflowId, link, ...summary, ...(outcome.cause ? { error: { type: outcome.cause.type, message: outcome.cause.message } } : {}) });
        else {
          console.log(renderTable(["step", "status", "rows", "ms", "detail"], summary.steps.map((s) => [s.id, s.status, s.rows, s.durationMs, detail(s)])));
          console.log(`\nrun ${workflowId}: ${summary.status} — ${link}`);
          if (outcome.cause) console.log(`  ${outcome.cause.type !== undefined ? `${outcome.cause.type}: ` : ""}${outcome.cause.message}`);
        }
        process.exitCode = summary.status === "succeeded" ? EXIT.ok : EXIT.failure;
      });
    });
}

/** A failed run carries its summary in the failure details; a run that failed before running steps (planning) has only its cause. */
export function failedSummary(error: unknown, workflowId: string): RunSummary {
  return failureSummary(error, isRunSummary) ?? rethrowWithCause(error, `run ${workflowId}`, { validatedHere: true });
}

export function detail(step: StepSummary): string {
  if (step.status === "skipped") return `after ${step.skippedBecause ?? "?"}`;
  if (step.error) return step.error.split("\n")[0] ?? "";
  return step.failedChecks.length > 0 ? `failed checks: ${step.failedChecks.join(", ")}` : "";
}
