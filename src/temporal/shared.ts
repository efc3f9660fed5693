/**
 * What workflows, activities and clients agree on: inputs and results (plain
 * JSON — no data passes through Temporal, only keys and small metadata),
 * workflow ids, signal and query names. Deterministic and pure: workflow code
 * imports it.
 */

import { shortHash } from "../core/hash";
import type { PlannedAlert } from "../resources/alerts/plan";

export { shortHash };

/** The run workflow's single argument: start it from the CLI or the Web UI's Start Workflow form. */
export interface RunInput {
  /** A job name (see `materia jobs list`), or… */
  job?: string;
  /** …a selection expression, e.g. `key:market/*`. */
  selection?: string;
  /** Partition keys; one partition per run is the norm (backfills start one run per partition). */
  partitions?: string[];
  /** Shorthand for `partitions: [partition]`. */
  partition?: string;
  /** Run configuration by asset key (a multi-asset's step name), validated by each asset's `config` schema. */
  config?: Record<string, unknown>;
  /** Steps executed at once. Default: the job's maxConcurrentSteps, else 4. */
  maxConcurrentSteps?: number;
  tags?: Record<string, string>;
}

/** How one step's activity is called: the asset's retry policy and timeouts. */
export interface StepActivityOptions {
  startToCloseTimeout: string | number;
  heartbeatTimeout: string | number;
  retry: {
    maximumAttempts: number;
    initialInterval: string | number;
    backoffCoefficient: number;
    maximumInterval: string | number;
    nonRetryableErrorTypes: string[];
  };
}

export interface PlannedStep {
  id: string;
  step: string;
  assets: string[];
  partition: string | null;
  dependsOn: string[];
}

export interface RunPlan {
  job: string | undefined;
  assets: string[];
  partitions: string[];
  steps: PlannedStep[];
  options: Record<string, StepActivityOptions>;
  maxConcurrentSteps: number;
  /** The run's config, validated; each step gets its own entry. */
  config?: Record<string, unknown>;
  /** The code location whose worker planned it (MateriaLocation). */
  location?: string;
}

export type StepStatus = "published" | "blocked" | "failed" | "skipped" | "cancelled";

export interface StepSummary {
  id: string;
  step: string;
  partition: string | null;
  status: StepStatus;
  rows: number | null;
  durationMs: number;
  /** Failed checks (blocking or not) as `asset:check`. */
  failedChecks: string[];
  error?: string;
  skippedBecause?: string;
  /** Alerts the step's check results call for (incident state already updated). */
  alerts?: PlannedAlert[];
}

export interface RunSummary {
  status: "succeeded" | "failed";
  job: string | undefined;
  partitions: string[];
  steps: StepSummary[];
  /** Total step counts by status. */
  counts: Record<StepStatus, number>;
}

/**
 * A step's activity is declared dead this long after its last heartbeat
 * (heartbeats go every 2 s): a killed worker's step starts again elsewhere
 * within seconds, not a minute.
 */
export const STEP_HEARTBEAT_TIMEOUT = "10 seconds";

/** Carried by a step activity's failure: may the step's retry policy try it again? */
export interface StepFailureDetails {
  retryable: boolean;
}

/** Error types a step never retries: bad definitions and bad input don't get better by waiting. */
export const NON_RETRYABLE_STEP_ERRORS = ["MaterializeError", "MissingInputError", "DefinitionError", "PlanningError", "PartitionKeyError", "SelectionError", "AssetGraphError"];

export const RUN_FAILED_ERROR = "MateriaRunFailed";
export const CHECK_FAILED_ERROR = "CheckFailedError";

/** `materia-run:<job | sel-hash>:<partition | all>`: one run per job and partition at a time. */
export function runWorkflowId(input: Pick<RunInput, "job" | "selection">, partitions: readonly string[]): string {
  const scope = input.job ?? `sel-${shortHash(input.selection ?? "")}`;
  const partition = partitions.length === 0 ? "all" : partitions.length === 1 ? partitions[0] : `${partitions[0]}..${partitions[partitions.length - 1]}(${partitions.length})`;
  return `materia-run:${scope}:${partition}`;
}

export function normalizePartitions(input: RunInput): string[] {
  return [...(input.partitions ?? []), ...(input.partition !== undefined ? [input.partition] : [])];
}
