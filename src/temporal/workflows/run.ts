/**
 * The run workflow: plan via an activity, then execute steps in dependency
 * order with a concurrency limit through the one ready-set state machine,
 * each step one activity with its asset's retry policy and timeouts. A
 * failed or blocked step skips everything downstream of it, and only that.
 * A blocked step (failed blocking check) or a failed step fails the run
 * with a typed, non-retryable failure whose details list every step.
 */
import { ApplicationFailure, CancellationScope, condition, isCancellation, proxyActivities, upsertSearchAttributes } from "@temporalio/workflow";
import { outcomeOf, ReadySet } from "../../core/planning/ready-set";
import type { RunActivities } from "../activities/run";
import { MATERIA_ASSETS, MATERIA_JOB, MATERIA_KIND, MATERIA_LOCATION, MATERIA_PARTITION } from "../search-attributes";
import { CHECK_FAILED_ERROR, RUN_FAILED_ERROR, type PlannedStep, type RunInput, type RunPlan, type StepStatus, type StepSummary, type RunSummary } from "../shared";
import { pageFailedStep, runStep } from "./step-runner";

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
    for (const failed of summary.steps.filter((s) => s.status === "failed")) await pageFailedStep(failed);
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
  const index = new Map(plan.steps.map((step, i) => [step.id, i]));
  const set = new ReadySet(plan.steps.map((step) => step.dependsOn.map((id) => index.get(id)!)));
  const results = new Map<string, StepSummary>();
  const limit = Math.max(1, plan.maxConcurrentSteps);
  let running = 0;
  let fatal: unknown;
  try {
    while (!set.finished()) {
      await condition(() => fatal !== undefined || set.finished() || (running < limit && set.hasReady()));
      if (fatal !== undefined) throw fatal;
      if (set.finished()) break;
      const node = set.take()!;
      const step = plan.steps[node]!;
      running++;
      runStep({ id: step.id, step: step.step, partition: step.partition, options: plan.options[step.step], config: plan.config?.[step.step] })
        .then(
          (summary) => {
            results.set(step.id, summary);
            for (const skippedNode of set.complete(node, outcomeOf(summary.status)).skipped) {
              const descendant = plan.steps[skippedNode]!;
              results.set(descendant.id, skipped(descendant, plan.steps[set.brokenUpstream(skippedNode)!]!.id));
            }
          },
          (error: unknown) => void (fatal ??= error), // cancellation: the run ends with it
        )
        .finally(() => void running--);
    }
  } catch (error) {
    // Cancelled: the running steps were asked to stop; the run ends once they have.
    if (isCancellation(error)) await CancellationScope.nonCancellable(() => condition(() => running === 0));
    throw error;
  }
  return results;
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
