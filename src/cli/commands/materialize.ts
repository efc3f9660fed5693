/**
 * `materia materialize --select <selection> --partition <key> [--wait]`:
 * start a run through Temporal (joining an identical running one), or with
 * `--in-process` run it here without Temporal.
 */
import type { Command } from "commander";
import { WorkflowFailedError } from "@temporalio/client";
import { ApplicationFailure } from "@temporalio/common";
import { loadDefinitions } from "../../definitions";
import { buildPlan } from "../../core";
import { createExecutionEnvironment, materialize, selectionKeys } from "../../execution";
import { startRun } from "../../temporal/client";
import { withTemporalClient } from "../../temporal/connection";
import type { RunSummary, StepSummary } from "../../temporal/shared";
import { RuntimeError } from "../../utils/errors";
import { cliRuntime, EXIT } from "../runtime";
import { printJson, renderTable } from "../table";

interface MaterializeOptions {
  select?: string;
  job?: string;
  partition: string[];
  wait?: boolean;
  inProcess?: boolean;
  json?: boolean;
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
    .option("--json", "print JSON")
    .action(async (options: MaterializeOptions) => {
      const { config, log } = cliRuntime();
      const definitions = loadDefinitions();
      if (!options.select && !options.job) throw new RuntimeError("USAGE", "Give --select <selection> or --job <name>.", { hint: 'e.g. materia materialize --select "group:example" --partition 2025-01' });
      const target = { ...(options.job ? { job: options.job } : {}), ...(options.select ? { selection: options.select } : {}) };

      // Validate here — unknown selection, bad partition keys — before anything starts.
      buildPlan(definitions.graph, { assets: selectionKeys(definitions, target), partitions: options.partition });

      if (options.inProcess) {
        const env = createExecutionEnvironment(config, log);
        const result = await materialize(definitions, { ...target, partitions: options.partition, env });
        if (options.json) printJson(result);
        else console.log(renderTable(["step", "status", "rows", "ms"], result.steps.map((s) => [s.id, s.status, s.outputs.reduce((n, o) => n + o.rowCount, 0), s.durationMs])));
        process.exitCode = result.status === "succeeded" ? EXIT.ok : EXIT.failure;
        return;
      }

      await withTemporalClient(config, async (client) => {
        const { handle, workflowId } = await startRun(client, config.temporal.taskQueue, { ...target, partitions: options.partition });
        const link = `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`;
        if (!options.wait) {
          if (options.json) printJson({ workflowId, link });
          else console.log(`run ${workflowId} started (or joined): ${link}`);
          return;
        }
        const summary = await handle.result().catch((error: unknown) => failedSummary(error));
        if (options.json) printJson({ workflowId, link, ...summary });
        else {
          console.log(renderTable(["step", "status", "rows", "ms", "detail"], summary.steps.map((s) => [s.id, s.status, s.rows, s.durationMs, detail(s)])));
          console.log(`\nrun ${workflowId}: ${summary.status} — ${link}`);
        }
        process.exitCode = summary.status === "succeeded" ? EXIT.ok : EXIT.failure;
      });
    });
}

/** A failed run carries its summary in the failure details. */
export function failedSummary(error: unknown): RunSummary {
  const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
  const summary = cause instanceof ApplicationFailure ? (cause.details?.[0] as RunSummary | undefined) : undefined;
  if (summary) return summary;
  throw error;
}

export function detail(step: StepSummary): string {
  if (step.status === "skipped") return `after ${step.skippedBecause ?? "?"}`;
  if (step.error) return step.error.split("\n")[0] ?? "";
  return step.failedChecks.length > 0 ? `failed checks: ${step.failedChecks.join(", ")}` : "";
}
