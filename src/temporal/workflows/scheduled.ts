/**
 * What a Temporal Schedule starts. The partition comes from the nominal
 * scheduled time Temporal records on the run (TemporalScheduledStartTime):
 * the last complete partition before it. So a schedule's Backfill from the
 * Web UI over a time range produces exactly the partitions of that range.
 * The run itself is the canonical run workflow for the job and partition,
 * joined if someone else is already running it.
 */
import { ApplicationFailure, ParentClosePolicy, proxyActivities, workflowInfo } from "@temporalio/workflow";
import type { ScheduleActivities } from "../activities/schedule";
import { TEMPORAL_SCHEDULED_START_TIME } from "../search-attributes";
import type { RunSummary } from "../shared";
import { runOrJoin } from "./canonical-run";

const { scheduledPartition } = proxyActivities<ScheduleActivities>({ startToCloseTimeout: "1 minute", retry: { maximumAttempts: 5 } });

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
  // Abandon: the run outlives this short trigger workflow if it is terminated.
  const { summary } = await runOrJoin({ job: input.job }, partition !== null ? [partition] : [], ParentClosePolicy.ABANDON);
  return summary;
}
