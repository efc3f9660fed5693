/**
 * The backfill workflow's contract: its single JSON argument (so it can be
 * started from the Web UI's Start Workflow form), progress query, pause and
 * resume signals, and result. Pure: workflow code imports it.
 */
import { defineQuery, defineSignal } from "@temporalio/workflow";
import type { AssetPartitionPlan, ProgressGrid, SkipMode } from "../core/planning";
import { shortHash, type StepActivityOptions } from "./shared";

export type { SkipMode };

export interface BackfillInput {
  job?: string;
  selection?: string;
  /** Inclusive range… */
  from?: string;
  to?: string;
  /** …or explicit partition keys… */
  partitions?: string[];
  /** …or exactly these asset partitions (what an automation tick asks for); `selection`, `job` and the range are then not needed. */
  nodes?: Array<{ asset: string; partition: string | null }>;
  /** Run configuration by asset key, handed to every step of the backfill (see RunInput.config). */
  config?: Record<string, unknown>;
  /** Keep asset partitions already published (`existing`) or up to date (`fresh`). Default "none". */
  skip?: SkipMode;
  /** Steps (asset partitions) materialized at once. Default: the job's maxConcurrentSteps, else 4. */
  maxConcurrentSteps?: number;
  /** Older name of `maxConcurrentSteps`, still accepted (a backfill no longer runs partition runs). */
  maxConcurrentRuns?: number;
  /** Steps started per workflow execution before it continues as new (default 400; smaller only to exercise it). */
  nodesPerExecution?: number;
  /** Ignored: a backfill plans asset partitions, not windows of runs. Accepted so older inputs still start. */
  partitionsPerRun?: number;
}

/** The plan over asset partitions, and how its steps are called. */
export interface BackfillPlan extends AssetPartitionPlan {
  job: string | undefined;
  /** Selected materializable asset keys. */
  assets: string[];
  options: Record<string, StepActivityOptions>;
  maxConcurrentSteps: number;
  /** The code location whose worker planned it (MateriaLocation). */
  location?: string;
}

/** An asset partition that ended without data, and why. */
export interface BackfillFailure {
  step: string;
  partition: string | null;
  /** failed: the step errored; blocked: a blocking check failed; waiting: an upstream partition outside the plan has no data. */
  status: "failed" | "blocked" | "waiting";
  /** Failed checks, as `asset:check`. */
  checks: string[];
  message: string;
  /** The workflow that ran it (the backfill itself). */
  workflowId: string;
}

/**
 * Counts are of asset partitions (plan nodes: a step × a partition, or an
 * unpartitioned step once): done + failed + skipped + notRun + waiting +
 * running + pending = total.
 */
export interface BackfillProgress {
  total: number;
  done: number;
  /** Failed or blocked by a check. */
  failed: number;
  /** Kept by the skip rule (already published, or fresh). */
  skipped: number;
  /** Downstream of a failed, blocked or waiting node: not run. */
  notRun: number;
  /** Waiting on a missing upstream partition outside the plan. */
  waiting: number;
  running: number;
  pending: number;
  paused: boolean;
  /** Partitions in the range. */
  partitions: number;
  /** Seconds left at the current pace; null until one node finished. */
  etaSeconds: number | null;
  startedAt: string;
  failures: BackfillFailure[];
  /** Per-node states, one row per step; absent until planned. */
  grid?: ProgressGrid;
}

export type BackfillSummary = Omit<BackfillProgress, "running" | "pending" | "paused" | "etaSeconds" | "grid"> & { status: "succeeded" | "failed"; durationSeconds: number };

/** State carried across continue-as-new. */
export interface BackfillState {
  plan: BackfillPlan;
  /** `ReadySet.encode()`. */
  states: string;
  failures: BackfillFailure[];
  startedAt: string;
  /** Nodes this backfill ran to an end (not kept ones): the pace behind the ETA. */
  finished: number;
}

export const backfillProgressQuery = defineQuery<BackfillProgress>("progress");
export const pauseBackfillSignal = defineSignal("pause");
export const resumeBackfillSignal = defineSignal("resume");

export function backfillWorkflowId(input: BackfillInput, nonce: string): string {
  const scope = input.job ?? `sel-${shortHash(input.selection ?? "")}`;
  const range = input.partitions ? `${input.partitions[0] ?? ""}..(${input.partitions.length})` : `${input.from ?? ""}..${input.to ?? ""}`;
  return `materia-backfill:${scope}:${range}:${nonce}`;
}
