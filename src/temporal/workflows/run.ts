/**
 * The run workflow: plan via an activity, then execute steps in dependency
 * order with a concurrency limit, each step one activity with its asset's
 * retry policy and timeouts. A failed or blocked step skips everything
 * downstream. A blocked step (failed blocking check) or a failed step fails
 * the run with a typed, non-retryable failure whose details list every step.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from "@temporalio/workflow";
import { msToNumber } from "@temporalio/common/lib/time";
import type { AlertActivities } from "../activities/alerts";
import type { RunActivities } from "../activities/run";
import { sendPlannedAlerts } from "./alert";
import { MATERIA_ASSETS, MATERIA_JOB, MATERIA_KIND, MATERIA_LOCATION, MATERIA_PARTITION } from "../search-attributes";
import {
  CHECK_FAILED_ERROR,
  RUN_FAILED_ERROR,
  STEP_HEARTBEAT_TIMEOUT,
  type PlannedStep,
  type RunInput,
  type RunPlan,
  type StepActivityOptions,
  type StepFailureDetails,
  type StepStatus,
  type StepSummary,
  type RunSummary,
} from "../shared";

/**
 * Temporal's own retries of a step's activity: only crashes and timeouts
 * reach them (a failing step reports a non-retryable failure and the loop in
 * `runOne` applies the asset's policy). A killed worker's step is retried on
 * another worker a second after its heartbeat times out; a step that keeps
 * killing its worker (say, out of memory) stops after this many tries.
 */
const CRASH_RETRY = { maximumAttempts: 10, initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "10 seconds" };

const { planRunFailedAlert } = proxyActivities<AlertActivities>({ startToCloseTimeout: "1 minute", retry: { maximumAttempts: 5 } });
const { planRun } = proxyActivities<RunActivities>({
  startToCloseTimeout: "5 minutes",
  retry: { maximumAttempts: 5, initialInterval: "1 second" },
});

export async function runWorkflow(input: RunInput): Promise<RunSummary> {
  const plan = await planRun(input ?? {});
  // Also set here (not only by the client) so runs started from the Web UI are filterable too.
  upsertSearchAttributes([
    { key: MATERIA_ASSETS, value: plan.assets },
    { key: MATERIA_KIND, value: "run" },
    ...(plan.location ? [{ key: MATERIA_LOCATION, value: plan.location }] : []),
    ...(plan.job ? [{ key: MATERIA_JOB, value: plan.job }] : []),
    ...(plan.partitions.length === 1 ? [{ key: MATERIA_PARTITION, value: plan.partitions[0]! }] : []),
  ]);
  const results = await executePlan(plan);
  const summary = summarize(plan, results);
  if (summary.status === "failed") {
    // Blocked steps already alerted through their checks; a step that failed after its last retry pages here.
    for (const failed of summary.steps.filter((s) => s.status === "failed")) {
      const planned = await planRunFailedAlert({ workflowId: workflowInfo().workflowId, message: `${failed.id}: ${failed.error ?? "failed"}`, asset: failed.step, partition: failed.partition });
      await sendPlannedAlerts(planned, `${workflowInfo().runId}:${failed.id}`);
    }
    const blocked = summary.steps.filter((s) => s.status === "blocked");
    throw ApplicationFailure.create({
      type: blocked.length > 0 ? CHECK_FAILED_ERROR : RUN_FAILED_ERROR,
      nonRetryable: true,
      message:
        blocked.length > 0
          ? `Blocking check failed in ${blocked.map((s) => `${s.id} (${s.failedChecks.join(", ")})`).join("; ")}: nothing published there, ${summary.counts.skipped} downstream step(s) skipped.`
          : `Run failed: ${summary.steps.filter((s) => s.status === "failed").map((s) => `${s.id}: ${s.error ?? "failed"}`).join("; ")}`,
      details: [summary],
    });
  }
  return summary;
}

async function executePlan(plan: RunPlan): Promise<Map<string, StepSummary>> {
  const results = new Map<string, StepSummary>();
  const pending = [...plan.steps];
  const running = new Map<string, Promise<void>>();
  const limit = Math.max(1, plan.maxConcurrentSteps);

  while (pending.length > 0 || running.size > 0) {
    // Skip what can no longer run; start what is ready, up to the limit.
    for (let i = 0; i < pending.length; ) {
      const step = pending[i]!;
      const brokenDependency = step.dependsOn.find((id) => results.has(id) && results.get(id)!.status !== "published");
      if (brokenDependency !== undefined) {
        results.set(step.id, skipped(step, brokenDependency));
        pending.splice(i, 1);
        continue;
      }
      const ready = step.dependsOn.every((id) => results.get(id)?.status === "published");
      if (ready && running.size < limit) {
        pending.splice(i, 1);
        running.set(
          step.id,
          runOne(plan, step).then((summary) => {
            results.set(step.id, summary);
            running.delete(step.id);
          }),
        );
        continue;
      }
      i++;
    }
    if (running.size > 0) await Promise.race(running.values());
    else if (pending.length > 0) {
      // Nothing running and nothing ready: only possible if a dependency is outside the plan.
      for (const step of pending.splice(0)) results.set(step.id, skipped(step, step.dependsOn.find((id) => !results.has(id)) ?? "unknown"));
    }
  }
  return results;
}

async function runOne(plan: RunPlan, step: PlannedStep): Promise<StepSummary> {
  const options = plan.options[step.step];
  const activityOptions: ActivityOptions = {
    startToCloseTimeout: options?.startToCloseTimeout ?? "2 hours",
    heartbeatTimeout: options?.heartbeatTimeout ?? STEP_HEARTBEAT_TIMEOUT,
    retry: CRASH_RETRY,
    // Cancelling the run waits for the step to stop its DuckDB work and clean up.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    summary: step.id,
  };
  const { executeStep } = proxyActivities<RunActivities>(activityOptions);
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const config = plan.config?.[step.step];
      const summary = await executeStep({ runId: workflowInfo().workflowId, step: step.step, partition: step.partition, ...(config !== undefined ? { config } : {}) });
      if (summary.alerts) await sendPlannedAlerts(summary.alerts, `${workflowInfo().runId}:${step.id}`);
      return summary;
    } catch (error) {
      if (isCancellation(error) && CancellationScope.current().consideredCancelled) throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const retryIn = attempt < (options?.retry.maximumAttempts ?? 3) ? retryDelayMs(cause, options, attempt) : undefined;
      if (retryIn !== undefined) {
        await sleep(retryIn);
        continue;
      }
      return {
        id: step.id,
        step: step.step,
        partition: step.partition,
        status: "failed",
        rows: null,
        durationMs: Date.now() - started,
        failedChecks: [],
        error: cause instanceof Error ? cause.message : String(cause),
      };
    }
  }
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

function skipped(step: PlannedStep, because: string): StepSummary {
  return { id: step.id, step: step.step, partition: step.partition, status: "skipped", rows: null, durationMs: 0, failedChecks: [], skippedBecause: because };
}

function summarize(plan: RunPlan, results: Map<string, StepSummary>): RunSummary {
  const steps = plan.steps.map((s) => results.get(s.id) ?? skipped(s, "not run"));
  const counts: Record<StepStatus, number> = { published: 0, blocked: 0, failed: 0, skipped: 0, cancelled: 0 };
  for (const step of steps) counts[step.status]++;
  return { status: counts.published === steps.length ? "succeeded" : "failed", job: plan.job, partitions: plan.partitions, steps, counts };
}
