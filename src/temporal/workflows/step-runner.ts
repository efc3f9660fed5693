/**
 * One step of a workflow's plan (a run's or a backfill's node): its activity
 * with the asset's timeouts, the asset's retry policy applied here, the
 * alerts its checks call for handed to delivery, and a step that failed
 * after its last attempt paged. Both the run and the backfill workflow call
 * it, so a step behaves the same whoever planned it.
 */
import { ActivityCancellationType, ApplicationFailure, CancellationScope, isCancellation, proxyActivities, sleep, workflowInfo, type ActivityOptions } from "@temporalio/workflow";
import { msToNumber } from "@temporalio/common/lib/time";
import type { AlertActivities } from "../activities/alerts";
import type { RunActivities } from "../activities/run";
import { STEP_HEARTBEAT_TIMEOUT, type StepActivityOptions, type StepFailureDetails, type StepSummary } from "../shared";
import { sendPlannedAlerts } from "./alert";

/**
 * Temporal's own retries of a step's activity: only crashes and timeouts
 * reach them (a failing step reports a non-retryable failure and the loop in
 * `runStep` applies the asset's policy). A killed worker's step is retried on
 * another worker a second after its heartbeat times out; a step that keeps
 * killing its worker (say, out of memory) stops after this many tries.
 */
const CRASH_RETRY = { maximumAttempts: 10, initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "10 seconds" };

const { planRunFailedAlert } = proxyActivities<AlertActivities>({ startToCloseTimeout: "1 minute", retry: { maximumAttempts: 5 } });

export interface StepRequest {
  id: string;
  step: string;
  partition: string | null;
  /** A group of partitions materialized together (an asset's backfill policy). */
  partitions?: string[];
  options: StepActivityOptions | undefined;
  config?: unknown;
  /** Page on a failed step right away (a backfill), or leave it to the caller (a run pages once it ends). */
  pageOnFailure?: boolean;
}

export async function runStep(request: StepRequest): Promise<StepSummary> {
  const { options } = request;
  const activityOptions: ActivityOptions = {
    startToCloseTimeout: options?.startToCloseTimeout ?? "2 hours",
    heartbeatTimeout: options?.heartbeatTimeout ?? STEP_HEARTBEAT_TIMEOUT,
    retry: CRASH_RETRY,
    // Cancelling the workflow waits for the step to stop its DuckDB work and clean up.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    summary: request.id,
  };
  const { executeStep } = proxyActivities<RunActivities>(activityOptions);
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const summary = await executeStep({
        runId: workflowInfo().workflowId,
        step: request.step,
        partition: request.partition,
        ...(request.partitions ? { partitions: request.partitions } : {}),
        ...(request.config !== undefined ? { config: request.config } : {}),
      });
      if (summary.alerts) await sendPlannedAlerts(summary.alerts, `${workflowInfo().runId}:${request.id}`);
      return summary;
    } catch (error) {
      if (isCancellation(error) && CancellationScope.current().consideredCancelled) throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const retryIn = attempt < (options?.retry.maximumAttempts ?? 3) ? retryDelayMs(cause, options, attempt) : undefined;
      if (retryIn !== undefined) {
        await sleep(retryIn);
        continue;
      }
      const failed: StepSummary = {
        id: request.id,
        step: request.step,
        partition: request.partition,
        status: "failed",
        rows: null,
        durationMs: Date.now() - started,
        failedChecks: [],
        error: cause instanceof Error ? cause.message : String(cause),
      };
      if (request.pageOnFailure) await pageFailedStep(failed);
      return failed;
    }
  }
}

/** A step that failed after its last attempt pages on-call (blocked steps already alerted through their checks). */
export async function pageFailedStep(failed: StepSummary): Promise<void> {
  const planned = await planRunFailedAlert({ workflowId: workflowInfo().workflowId, message: `${failed.id}: ${failed.error ?? "failed"}`, asset: failed.step, partition: failed.partition });
  await sendPlannedAlerts(planned, `${workflowInfo().runId}:${failed.id}`);
}

/** The wait before the next attempt under the asset's retry policy, or undefined when the failure is final. */
function retryDelayMs(cause: unknown, options: StepActivityOptions | undefined, attempt: number): number | undefined {
  if (!(cause instanceof ApplicationFailure)) return undefined; // crashes and timeouts already had their retries
  const details = cause.details?.[0] as StepFailureDetails | undefined;
  const retry = options?.retry;
  if (details?.retryable !== true || (retry?.nonRetryableErrorTypes ?? []).includes(cause.type ?? "")) return undefined;
  const initial = msToNumber(retry?.initialInterval ?? "2 seconds");
  const longest = msToNumber(retry?.maximumInterval ?? "1 minute");
  return Math.min(longest, initial * Math.pow(retry?.backoffCoefficient ?? 2, attempt - 1));
}
