/**
 * Starting and following runs from outside a workflow (CLI, tests, sensors'
 * activities). A run's workflow id is derived from its job (or selection)
 * and partition, and a start for an id that is already running joins it
 * (USE_EXISTING): two triggers of one partition never run at once.
 */
import { randomBytes } from "node:crypto";
import { WorkflowIdConflictPolicy, type Client, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from "@temporalio/client";
import { TypedSearchAttributes } from "@temporalio/common";
import type { backfillWorkflow, runWorkflow } from "./workflows";
import { backfillWorkflowId, type BackfillInput } from "./backfill-shared";
import { MATERIA_JOB, MATERIA_KIND, MATERIA_PARTITION } from "./search-attributes";
import { normalizePartitions, runWorkflowId, type RunInput } from "./shared";

/** What the starter knows that the input does not say: the assets it resolved to, and who started it. */
export interface StartContext {
  assets?: readonly string[];
  startedBy?: string;
}

/**
 * The Temporal Web UI's one-line summary of a run or backfill
 * ("market_monthly · 2025-08 · 5 assets"), shown in its workflow list.
 */
export function workflowSummary(kind: "run" | "backfill", scope: { job?: string; selection?: string }, partitions: string, assets?: number): string {
  const what = scope.job ?? scope.selection ?? "*";
  return [kind === "backfill" ? `backfill ${what}` : what, partitions, ...(assets !== undefined ? [`${assets} asset${assets === 1 ? "" : "s"}`] : [])].join(" · ");
}

/** The details panel of the workflow's page: what it materializes, as short Markdown. */
function workflowDetails(lines: Array<[string, string | undefined]>): string {
  return lines
    .filter((l): l is [string, string] => l[1] !== undefined && l[1] !== "")
    .map(([k, v]) => `**${k}**: ${v}`)
    .join("  \n");
}

function partitionsText(partitions: readonly string[]): string {
  if (partitions.length === 0) return "unpartitioned";
  return partitions.length === 1 ? partitions[0]! : `${partitions[0]}..${partitions[partitions.length - 1]} (${partitions.length})`;
}

export interface StartedRun {
  handle: WorkflowHandle<typeof runWorkflow>;
  workflowId: string;
}

export async function startRun(client: Client, taskQueue: string, input: RunInput, context: StartContext = {}): Promise<StartedRun> {
  const partitions = normalizePartitions(input);
  const workflowId = runWorkflowId(input, partitions);
  const pairs = [
    { key: MATERIA_KIND, value: "run" },
    ...(input.job ? [{ key: MATERIA_JOB, value: input.job }] : []),
    ...(partitions.length === 1 ? [{ key: MATERIA_PARTITION, value: partitions[0]! }] : []),
  ];
  const handle = await client.workflow.start<typeof runWorkflow>("runWorkflow", {
    taskQueue,
    workflowId,
    args: [{ ...input, partitions, partition: undefined }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: new TypedSearchAttributes(pairs),
    staticSummary: workflowSummary("run", input, partitionsText(partitions), context.assets?.length),
    staticDetails: workflowDetails([
      ["job", input.job],
      ["selection", input.selection],
      ["partitions", partitionsText(partitions)],
      ["assets", context.assets?.join(", ")],
      ["config for", input.config ? Object.keys(input.config).join(", ") : undefined],
      ["started by", context.startedBy],
    ]),
  });
  return { handle, workflowId };
}

/** Start a backfill workflow (its id is unique per start: two backfills of one range may run, their partition runs never do). */
export async function startBackfillWorkflow(client: Client, taskQueue: string, input: BackfillInput, context: StartContext = {}): Promise<WorkflowHandleWithFirstExecutionRunId<typeof backfillWorkflow>> {
  const range = input.partitions ? partitionsText(input.partitions) : `${input.from ?? ""}..${input.to ?? ""}`;
  return client.workflow.start<typeof backfillWorkflow>("backfillWorkflow", {
    taskQueue,
    workflowId: backfillWorkflowId(input, randomBytes(3).toString("hex")),
    args: [input],
    typedSearchAttributes: new TypedSearchAttributes([{ key: MATERIA_KIND, value: "backfill" }]),
    staticSummary: workflowSummary("backfill", input, range, context.assets?.length),
    staticDetails: workflowDetails([
      ["job", input.job],
      ["selection", input.selection],
      ["range", range],
      ["skip", input.skip ?? "none"],
      ["assets", context.assets?.join(", ")],
      ["started by", context.startedBy],
    ]),
  });
}
