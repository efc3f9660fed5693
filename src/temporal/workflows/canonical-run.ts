/**
 * The one way workflows (backfills, scheduled runs, sensors) start a run:
 * as a child with the canonical run id for its job/selection and partition.
 * When that id is already running — someone else (the CLI, a schedule, a
 * sensor) is materializing the partition — the caller joins that run
 * instead of starting a second one.
 */
import { ParentClosePolicy, executeChild, proxyActivities, startChild } from "@temporalio/workflow";
import { WorkflowExecutionAlreadyStartedError } from "@temporalio/common";
import type { BackfillActivities } from "../activities/backfill";
import { MATERIA_KIND } from "../search-attributes";
import { runWorkflowId, type RunInput, type RunSummary } from "../shared";
import { runWorkflow } from "./run";

// A short heartbeat timeout: following a run moves to another worker within seconds when this one is killed.
const { awaitRun } = proxyActivities<BackfillActivities>({ startToCloseTimeout: "7 days", heartbeatTimeout: "15 seconds", retry: { maximumAttempts: 10, initialInterval: "1 second" } });

type Target = Pick<RunInput, "job" | "selection" | "config">;

function childOptions(target: Target, partitions: string[], parentClosePolicy: ParentClosePolicy) {
  return {
    // The id leaves the config out: one run per partition at a time, whatever its config.
    workflowId: runWorkflowId(target, partitions),
    args: [{ ...target, partitions }] as [RunInput],
    parentClosePolicy,
    typedSearchAttributes: [{ key: MATERIA_KIND, value: "run" as const }],
  };
}

/** Run (or join) the canonical run and wait for its summary. */
export async function runOrJoin(target: Target, partitions: string[], parentClosePolicy: ParentClosePolicy): Promise<{ workflowId: string; summary: RunSummary }> {
  const options = childOptions(target, partitions, parentClosePolicy);
  try {
    return { workflowId: options.workflowId, summary: await executeChild(runWorkflow, options) };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return { workflowId: options.workflowId, summary: await awaitRun(options.workflowId) };
  }
}

/** Start (or find running) the canonical run without waiting for it. */
export async function startOrJoin(target: Target, partitions: string[]): Promise<void> {
  try {
    await startChild(runWorkflow, childOptions(target, partitions, ParentClosePolicy.ABANDON));
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
