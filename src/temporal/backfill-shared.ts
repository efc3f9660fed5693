/**
 * The backfill workflow's contract: its single JSON argument (so it can be
 * started from the Web UI's Start Workflow form), progress query, pause and
 * resume signals, and result. Pure: workflow code imports it.
 */
import { defineQuery, defineSignal } from "@temporalio/workflow";
import { shortHash } from "./shared";

export type SkipMode = "none" | "existing" | "fresh";

export interface BackfillInput {
  job?: string;
  selection?: string;
  /** Inclusive range… */
  from?: string;
  to?: string;
  /** …or explicit partition keys. */
  partitions?: string[];
  /** Run configuration by asset key, handed to every run of the backfill (see RunInput.config). */
  config?: Record<string, unknown>;
  /** Skip partitions already published (`existing`) or up to date (`fresh`). Default "none". */
  skip?: SkipMode;
  /** Partition runs at once. Default 2. Ignored (1) when an asset depends on its own earlier partitions. */
  maxConcurrentRuns?: number;
  /**
   * Ordered backfills only: consecutive partitions per run (default 12). One
   * run plans their steps together, so month m+1's ingest overlaps month m's
   * transforms and an asset reading the next partition runs after it.
   */
  partitionsPerRun?: number;
}

export interface BackfillPlan {
  job: string | undefined;
  /** Partitions to run, in order. */
  partitions: string[];
  /** Partitions skipped by the skip mode. */
  skipped: string[];
  /** True when partitions must run one after another (self-dependency). */
  ordered: boolean;
  /** Consecutive partitions per run: 1 unless ordered. */
  partitionsPerRun: number;
  /** The code location whose worker planned it (MateriaLocation). */
  location?: string;
  /**
   * Selection of the assets that read later partitions (and their downstream):
   * re-run for a window's last partition once the next window has published.
   */
  lookAheadSelection?: string;
}

export interface BackfillFailure {
  partition: string;
  workflowId: string;
  message: string;
}

export interface BackfillProgress {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  running: number;
  pending: number;
  paused: boolean;
  /** Seconds left at the current pace; null until one run finished. */
  etaSeconds: number | null;
  startedAt: string;
  failures: BackfillFailure[];
}

export type BackfillSummary = Omit<BackfillProgress, "running" | "pending" | "paused" | "etaSeconds"> & { status: "succeeded" | "failed"; durationSeconds: number };

/** State carried across continue-as-new. */
export interface BackfillState {
  input: BackfillInput;
  plan: BackfillPlan;
  /** Index of the next partition in plan.partitions to start. */
  next: number;
  done: number;
  failed: number;
  failures: BackfillFailure[];
  startedAt: string;
  /** The last partition of the previous window, whose look-ahead assets wait for the next window. */
  pendingLookAhead?: string;
}

export const backfillProgressQuery = defineQuery<BackfillProgress>("progress");
export const pauseBackfillSignal = defineSignal("pause");
export const resumeBackfillSignal = defineSignal("resume");

export function backfillWorkflowId(input: BackfillInput, nonce: string): string {
  const scope = input.job ?? `sel-${shortHash(input.selection ?? "")}`;
  const range = input.partitions ? `${input.partitions[0] ?? ""}..(${input.partitions.length})` : `${input.from ?? ""}..${input.to ?? ""}`;
  return `materia-backfill:${scope}:${range}:${nonce}`;
}
