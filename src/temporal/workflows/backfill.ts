/**
 * The backfill workflow: one run per partition, as child workflows with the
 * canonical run id (so a partition already running elsewhere is joined, not
 * run twice), at most `maxConcurrentRuns` at once — in order, one at a time,
 * when an asset reads its own earlier partitions. Answers a progress query,
 * pauses and resumes on signals, cancels its children when cancelled, and
 * continues-as-new long before history limits (thousands of partitions).
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
import { MATERIA_JOB, MATERIA_KIND } from "../search-attributes";
import { RUN_FAILED_ERROR, runWorkflowId } from "../shared";
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
  upsertSearchAttributes([{ key: MATERIA_KIND, value: "backfill" }, ...(state.plan.job ? [{ key: MATERIA_JOB, value: state.plan.job }] : [])]);

  const limit = state.plan.ordered ? 1 : Math.max(1, Math.min(input.maxConcurrentRuns ?? 2, 100));
  const startedHere = { count: 0 };
  const inFlight = new Set<Promise<void>>();
  while (state.next < state.plan.partitions.length && startedHere.count < RUNS_PER_EXECUTION) {
    await condition(() => !paused && running < limit);
    const partition = state.plan.partitions[state.next++]!;
    startedHere.count++;
    running++;
    const promise: Promise<void> = runPartition(state, partition).finally(() => {
      running--;
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

async function runPartition(state: BackfillState, partition: string): Promise<void> {
  const target = { ...(state.input.job !== undefined ? { job: state.input.job } : {}), ...(state.input.selection !== undefined ? { selection: state.input.selection } : {}) };
  const workflowId = runWorkflowId(target, [partition]);
  try {
    // Cancelling the backfill cancels the runs it started.
    const { summary } = await runOrJoin(target, [partition], ParentClosePolicy.REQUEST_CANCEL);
    if (summary.status === "succeeded") state.done++;
    else recordFailure(state, partition, workflowId, "run failed");
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    recordFailure(state, partition, workflowId, cause instanceof Error ? cause.message : String(cause));
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
