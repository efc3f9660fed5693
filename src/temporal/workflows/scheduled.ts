/**
 * What a Temporal Schedule starts. The partition comes from the nominal
 * scheduled time Temporal records on the run (TemporalScheduledStartTime):
 * the last complete partition before it. So a schedule's Backfill from the
 * Web UI over a time range produces exactly the partitions of that range.
 * The run itself is the canonical run workflow for the job and partition,
 * joined if someone else is already running it.
 */
import { ApplicationFailure, ParentClosePolicy, executeChild, proxyActivities, workflowInfo } from "@temporalio/workflow";
import { WorkflowExecutionAlreadyStartedError } from "@temporalio/common";
import type { ScheduleActivities } from "../activities/schedule";
import type { BackfillActivities } from "../activities/backfill";
import { MATERIA_KIND, TEMPORAL_SCHEDULED_START_TIME } from "../search-attributes";
import { runWorkflowId, type RunSummary } from "../shared";
import { runWorkflow } from "./run";

const { scheduledPartition } = proxyActivities<ScheduleActivities>({ startToCloseTimeout: "1 minute", retry: { maximumAttempts: 5 } });
const { awaitRun } = proxyActivities<BackfillActivities>({ startToCloseTimeout: "7 days", heartbeatTimeout: "1 minute", retry: { maximumAttempts: 10 } });

export interface ScheduledRunInput {
  schedule: string;
  job: string;
}

export async function scheduledRunWorkflow(input: ScheduledRunInput): Promise<RunSummary> {
  const nominal = workflowInfo().typedSearchAttributes.get(TEMPORAL_SCHEDULED_START_TIME);
  if (!nominal) {
    throw ApplicationFailure.create({ type: "MateriaScheduleError", nonRetryable: true, message: "scheduledRunWorkflow runs from a Temporal Schedule (no TemporalScheduledStartTime on this run). Use runWorkflow to start a run by hand." });
  }
  const partition = await scheduledPartition({ job: input.job, scheduledTime: nominal.toISOString() });
  const args = { job: input.job, ...(partition !== null ? { partitions: [partition] } : {}) };
  const workflowId = runWorkflowId({ job: input.job }, partition !== null ? [partition] : []);
  try {
    return await executeChild(runWorkflow, {
      workflowId,
      args: [args],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [{ key: MATERIA_KIND, value: "run" }],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return awaitRun(workflowId);
  }
}
