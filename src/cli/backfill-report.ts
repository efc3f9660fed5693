/**
 * Why a backfill's partitions failed. The backfill records one line per
 * failed partition (its run id and a short message); the run's own failure
 * carries its step summaries, which say which step failed and — for a
 * blocked step — which checks blocked it. Read-only: looks runs up by id.
 */
import type { Client } from "@temporalio/client";
import type { BackfillFailure } from "../temporal/backfill-shared";
import type { RunSummary, StepSummary } from "../temporal/shared";
import { failureSummary } from "./workflow-failure";

export interface PartitionProblem {
  partition: string;
  workflowId: string;
  /** blocked: a blocking check failed; failed: the step errored; unknown: the run could not be read. */
  status: "blocked" | "failed" | "unknown";
  step: string | undefined;
  /** Failed checks, as `asset:check`. */
  checks: string[];
  message: string;
}

/** Runs looked up at most: the backfill keeps the first 50 failures anyway. */
const MAX_RUNS_READ = 20;

export function isRunSummary(value: unknown): value is RunSummary {
  return typeof value === "object" && value !== null && "steps" in value && Array.isArray(value.steps);
}

/** The step that broke `partition` in a run summary, and why. */
export function problemFromRun(failure: BackfillFailure, summary: RunSummary | undefined): PartitionProblem {
  const unknown: PartitionProblem = { partition: failure.partition, workflowId: failure.workflowId, status: "unknown", step: undefined, checks: [], message: failure.message };
  const steps = summary?.steps.filter((step) => step.partition === failure.partition || step.partition === null) ?? [];
  const broken: StepSummary | undefined = steps.find((step) => step.status === "blocked") ?? steps.find((step) => step.status === "failed");
  if (!broken) return unknown;
  if (broken.status === "blocked") {
    return { ...unknown, status: "blocked", step: broken.step, checks: broken.failedChecks, message: `${broken.failedChecks.length > 0 ? `failed check(s) ${broken.failedChecks.join(", ")}` : "a blocking check failed"}; nothing published` };
  }
  return { ...unknown, status: "failed", step: broken.step, checks: broken.failedChecks, message: (broken.error ?? "failed").split("\n")[0] ?? "failed" };
}

async function runSummary(client: Client, workflowId: string): Promise<RunSummary | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  // Only a closed, failed run: a re-run of the same partition may be running under the same id now.
  if ((await handle.describe()).status.name !== "FAILED") return undefined;
  return handle.result().then(
    () => undefined,
    (error: unknown) => failureSummary(error, isRunSummary),
  );
}

export async function explainFailures(client: Client, failures: BackfillFailure[]): Promise<PartitionProblem[]> {
  const summaries = new Map<string, RunSummary | undefined>();
  for (const workflowId of [...new Set(failures.map((f) => f.workflowId))].slice(0, MAX_RUNS_READ)) {
    summaries.set(workflowId, await runSummary(client, workflowId).catch(() => undefined));
  }
  return failures.map((failure) => problemFromRun(failure, summaries.get(failure.workflowId)));
}

export function formatProblems(problems: PartitionProblem[], failedCount: number): string[] {
  const lines = problems.map((p) => `  ${p.partition}  ${p.status === "unknown" ? "failed" : p.status}  ${p.step !== undefined ? `${p.step}: ` : ""}${p.message}  (run ${p.workflowId})`);
  if (failedCount > problems.length) lines.push(`  … and ${failedCount - problems.length} more failed partition(s)`);
  return lines;
}
