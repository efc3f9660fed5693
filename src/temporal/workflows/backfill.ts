/**
 * The backfill workflow: runs as child workflows with the canonical run id
 * (so a partition already running elsewhere is joined, not run twice).
 * Independent partitions: one run per partition, at most `maxConcurrentRuns`
 * at once. Ordered partitions (an asset reads other partitions, e.g. the
 * previous month): one run per window of consecutive partitions, windows one
 * after another; inside a window the run plans every step of every partition
 * together, so independent steps of neighbouring months overlap and an asset
 * reading the next month runs after it. Assets reading the next partition
 * are re-run for a window's last partition once the next window published.
 * Answers a progress query, pauses and resumes on signals, cancels its
 * children when cancelled, and continues-as-new long before history limits.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from "@temporalio/workflow";
import type { BackfillActivities } from "../activities/backfill";
import {
  backfillProgressQuery,
  pauseBackfillSignal,
  resumeBackfillSignal,
  type BackfillInput,
  type BackfillProgress,
  type BackfillState,
  type BackfillSummary,
} from "../backfill-shared";
import { MATERIA_JOB, MATERIA_KIND, MATERIA_LOCATION } from "../search-attributes";
import { RUN_FAILED_ERROR, runWorkflowId, type RunSummary } from "../shared";
import { runOrJoin } from "./canonical-run";

const { planBackfill } = proxyActivities<BackfillActivities>({ startToCloseTimeout: "10 minutes", retry: { maximumAttempts: 5 } });

/** Children started per execution before continuing as new (well under the 2,000 pending-children limit and history limits). */
const RUNS_PER_EXECUTION = 250;

export async function backfillWorkflow(input: BackfillInput, carried?: BackfillState): Promise<BackfillSummary> {
  let paused = false;
  let running = 0;
  let state: BackfillState | undefined = carried;
  // Handlers first: the progress query answers (and pause is honoured) while planning runs.
  setHandler(pauseBackfillSignal, () => void (paused = true));
  setHandler(resumeBackfillSignal, () => void (paused = false));
  setHandler(backfillProgressQuery, (): BackfillProgress => progress(state, running, paused));
  state ??= { input, plan: await planBackfill(input), next: 0, done: 0, failed: 0, failures: [], startedAt: new Date().toISOString() };
  upsertSearchAttributes([
    { key: MATERIA_KIND, value: "backfill" },
    ...(state.plan.job ? [{ key: MATERIA_JOB, value: state.plan.job }] : []),
    ...(state.plan.location ? [{ key: MATERIA_LOCATION, value: state.plan.location }] : []),
  ]);

  const limit = state.plan.ordered ? 1 : Math.max(1, Math.min(input.maxConcurrentRuns ?? 2, 100));
  const windowSize = state.plan.partitionsPerRun ?? 1;
  const startedHere = { count: 0 };
  const inFlight = new Set<Promise<void>>();
  while (state.next < state.plan.partitions.length && startedHere.count < RUNS_PER_EXECUTION) {
    // `running` counts partitions: an ordered window waits for the previous one to finish.
    await condition(() => !paused && running < limit);
    const window = state.plan.partitions.slice(state.next, state.next + windowSize);
    state.next += window.length;
    startedHere.count++;
    running += window.length;
    const promise: Promise<void> = runWindow(state, window).finally(() => {
      running -= window.length;
      inFlight.delete(promise);
    });
    inFlight.add(promise);
  }
  await Promise.all(inFlight);

  if (state.next < state.plan.partitions.length) {
    // Fresh history; the children of this execution have all finished.
    await continueAsNew<typeof backfillWorkflow>(input, state);
  }
  const summary: BackfillSummary = {
    status: state.failed === 0 ? "succeeded" : "failed",
    total: state.plan.partitions.length + state.plan.skipped.length,
    done: state.done,
    failed: state.failed,
    skipped: state.plan.skipped.length,
    failures: state.failures,
    startedAt: state.startedAt,
    durationSeconds: Math.round((Date.now() - Date.parse(state.startedAt)) / 1000),
  };
  if (summary.failed > 0) {
    throw ApplicationFailure.create({ type: RUN_FAILED_ERROR, nonRetryable: true, message: `Backfill finished with ${summary.failed} failed partition(s): ${state.failures.map((f) => f.partition).join(", ")}`, details: [summary] });
  }
  return summary;
}

function targetOf(state: BackfillState): { job?: string; selection?: string; config?: Record<string, unknown> } {
  return {
    ...(state.input.job !== undefined ? { job: state.input.job } : {}),
    ...(state.input.selection !== undefined ? { selection: state.input.selection } : {}),
    ...(state.input.config !== undefined ? { config: state.input.config } : {}),
  };
}

async function runWindow(state: BackfillState, window: string[]): Promise<void> {
  await runPartitions(state, targetOf(state), window);
  const lookAhead = state.plan.lookAheadSelection;
  if (lookAhead === undefined) return;
  // The window just published the partition after the previous window's last one.
  const previous = state.pendingLookAhead;
  state.pendingLookAhead = window[window.length - 1];
  if (previous !== undefined) await runPartitions(state, { selection: lookAhead }, [previous], { recount: true });
}

/**
 * One run over `partitions`; a partition counts as done when every step of it
 * published. `recount`: the partitions were counted done before (a look-ahead
 * re-run): only a failure changes the counts.
 */
async function runPartitions(state: BackfillState, target: { job?: string; selection?: string; config?: Record<string, unknown> }, partitions: string[], options: { recount?: boolean } = {}): Promise<void> {
  const workflowId = runWorkflowId(target, partitions);
  let summary: RunSummary | undefined;
  let message = "run failed";
  try {
    // Cancelling the backfill cancels the runs it started.
    summary = (await runOrJoin(target, partitions, ParentClosePolicy.REQUEST_CANCEL)).summary;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    message = cause instanceof Error ? cause.message : String(cause);
    // A failed run's failure carries its summary: partitions whose steps all published still count as done.
    summary = cause instanceof ApplicationFailure ? (cause.details?.[0] as RunSummary | undefined) : undefined;
  }
  for (const partition of partitions) {
    const steps = summary?.steps.filter((step) => step.partition === partition || step.partition === null) ?? [];
    const published = summary?.status === "succeeded" || (steps.length > 0 && steps.every((step) => step.status === "published"));
    if (published) {
      if (!options.recount) state.done++;
      continue;
    }
    if (options.recount) state.done--;
    const failedStep = steps.find((step) => step.status !== "published");
    recordFailure(state, partition, workflowId, failedStep ? `${failedStep.step}: ${failedStep.status}${failedStep.error ? ` (${failedStep.error})` : ""}` : message);
  }
}

function recordFailure(state: BackfillState, partition: string, workflowId: string, message: string): void {
  state.failed++;
  // Bounded: the state travels through continue-as-new.
  if (state.failures.length < 50) state.failures.push({ partition, workflowId, message: message.slice(0, 500) });
}

function progress(state: BackfillState | undefined, running: number, paused: boolean): BackfillProgress {
  if (!state) return { total: 0, done: 0, failed: 0, skipped: 0, running: 0, pending: 0, paused, etaSeconds: null, startedAt: new Date().toISOString(), failures: [] };
  const finished = state.done + state.failed;
  const remaining = state.plan.partitions.length - finished;
  const elapsed = (Date.now() - Date.parse(state.startedAt)) / 1000;
  return {
    total: state.plan.partitions.length + state.plan.skipped.length,
    done: state.done,
    failed: state.failed,
    skipped: state.plan.skipped.length,
    running,
    pending: remaining - running,
    paused,
    etaSeconds: finished > 0 ? Math.round((elapsed / finished) * remaining) : null,
    startedAt: state.startedAt,
    failures: state.failures,
  };
}
