/**
 * The backfill workflow executes a plan over asset partitions: every
 * (step, partition) node once, after the nodes it reads, at most
 * `maxConcurrentSteps` at once, each node one activity with its asset's
 * retry policy (the same step runner a run uses). A fan-in asset waits for
 * all its partitions and runs once; an asset reading the next partition
 * (labels reading next month's bars) simply runs after it; a failure skips
 * its descendants only. The one ready-set state machine decides what runs.
 *
 * One run per asset partition at a time still holds across triggers: a step
 * takes its partition's lease, so a node that a schedule or the CLI is
 * materializing right now waits for it and joins its result.
 *
 * Answers a progress query with per-node states, pauses and resumes on
 * signals, cancels its running steps when cancelled, and continues-as-new
 * (carrying the plan and one character per node) long before history limits.
 */
import { ApplicationFailure, CancellationScope, condition, continueAsNew, isCancellation, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from "@temporalio/workflow";
import { planNode, progressGrid } from "../../core/planning/asset-partitions";
import { outcomeOf, ReadySet } from "../../core/planning/ready-set";
import type { BackfillActivities } from "../activities/backfill";
import {
  backfillProgressQuery,
  pauseBackfillSignal,
  resumeBackfillSignal,
  type BackfillFailure,
  type BackfillInput,
  type BackfillProgress,
  type BackfillState,
  type BackfillSummary,
} from "../backfill-shared";
import { MATERIA_JOB, MATERIA_KIND, MATERIA_LOCATION } from "../search-attributes";
import { RUN_FAILED_ERROR, type StepSummary } from "../shared";
import { runStep } from "./step-runner";

const { planBackfill } = proxyActivities<BackfillActivities>({ startToCloseTimeout: "10 minutes", retry: { maximumAttempts: 5 } });

/** Nodes started per execution before continuing as new: a few events each, far below history limits. */
const NODES_PER_EXECUTION = 400;
/** Failures kept in the state (it travels through continue-as-new); counts stay exact. */
const MAX_FAILURES_KEPT = 50;

export async function backfillWorkflow(input: BackfillInput, carried?: BackfillState): Promise<BackfillSummary> {
  let paused = false;
  let running = 0;
  // What the query reads: nothing until the plan exists.
  const live: { state?: BackfillState; set?: ReadySet } = {};
  // Handlers first: the progress query answers (and pause is honoured) while planning runs.
  setHandler(pauseBackfillSignal, () => void (paused = true));
  setHandler(resumeBackfillSignal, () => void (paused = false));
  setHandler(backfillProgressQuery, (): BackfillProgress => progress(live.state, live.set, running, paused));
  let state = carried;
  if (!state) {
    const plan = await planBackfill(input);
    state = { plan, states: plan.initial, failures: waitingFailures(plan), startedAt: new Date().toISOString(), finished: 0 };
  }
  const { plan } = state;
  const set = new ReadySet(plan.deps, state.states);
  live.state = state;
  live.set = set;
  upsertSearchAttributes([
    { key: MATERIA_KIND, value: "backfill" },
    ...(plan.job ? [{ key: MATERIA_JOB, value: plan.job }] : []),
    ...(plan.location ? [{ key: MATERIA_LOCATION, value: plan.location }] : []),
  ]);
  describeInWebUi(state, set, paused);

  // Narrowed names for the callbacks below.
  const current = state;
  const ready = set;
  let startedHere = 0;
  let fatal: unknown;
  const perExecution = Math.max(1, Math.min(input.nodesPerExecution ?? NODES_PER_EXECUTION, NODES_PER_EXECUTION));
  try {
    while (!ready.finished() && startedHere < perExecution) {
      await condition(() => fatal !== undefined || ready.finished() || (!paused && running < plan.maxConcurrentSteps && ready.hasReady()));
      if (fatal !== undefined) throw fatal;
      if (ready.finished()) break;
      const node = ready.take()!;
      startedHere++;
      running++;
      const { step, partition, partitions, id } = planNode(plan, node);
      runStep({ id, step, partition, ...(partitions ? { partitions } : {}), options: plan.options[step], config: input.config?.[step], pageOnFailure: true })
        .then(
          (summary) => {
            current.finished++;
            const { skipped } = ready.complete(node, outcomeOf(summary.status));
            if (summary.status !== "published") recordFailure(current, summary, skipped.length);
            describeInWebUi(current, ready, paused);
          },
          (error: unknown) => void (fatal ??= error), // cancellation: the backfill ends with it
        )
        .finally(() => void running--);
    }
    // Drain: an execution hands over only finished nodes.
    await condition(() => fatal !== undefined || running === 0);
    if (fatal !== undefined) throw fatal;
  } catch (error) {
    // Cancelled: the running steps were asked to stop; the backfill ends once they have (their DuckDB work cleaned up).
    if (isCancellation(error)) await CancellationScope.nonCancellable(() => condition(() => running === 0));
    throw error;
  }
  if (!ready.finished()) {
    await continueAsNew<typeof backfillWorkflow>(input, { ...current, states: ready.encode() });
  }
  const summary = summarize(current, ready);
  if (summary.status === "failed") {
    throw ApplicationFailure.create({
      type: RUN_FAILED_ERROR,
      nonRetryable: true,
      message: `Backfill finished with ${summary.failed} failed, ${summary.waiting} waiting and ${summary.notRun} not run asset partition(s): ${current.failures.slice(0, 5).map((f) => `${f.partition === null ? f.step : `${f.step}[${f.partition}]`} (${f.status})`).join(", ")}`,
      details: [summary],
    });
  }
  return summary;
}

function recordFailure(state: BackfillState, summary: StepSummary, skippedCount: number): void {
  if (state.failures.length >= MAX_FAILURES_KEPT) return;
  const status = summary.status === "blocked" ? "blocked" : "failed";
  const why = status === "blocked" ? `${summary.failedChecks.length > 0 ? `failed check(s) ${summary.failedChecks.join(", ")}` : "a blocking check failed"}; nothing published` : (summary.error ?? "failed").split("\n")[0]!;
  state.failures.push({
    step: summary.step,
    partition: summary.partition,
    status,
    checks: summary.failedChecks,
    message: `${why.slice(0, 400)}${skippedCount > 0 ? ` (${skippedCount} downstream not run)` : ""}`,
    workflowId: workflowInfo().workflowId,
  });
}

/** Nodes the planner found waiting on a missing upstream, named. */
function waitingFailures(plan: BackfillState["plan"]): BackfillFailure[] {
  return Object.entries(plan.waitingOn)
    .slice(0, MAX_FAILURES_KEPT)
    .map(([node, upstream]) => {
      const { step, partition } = planNode(plan, Number(node));
      return { step, partition, status: "waiting" as const, checks: [], message: `waiting on missing upstream ${upstream.slice(0, 3).join(", ")}${upstream.length > 3 ? ", …" : ""}: materialize it first, or widen the backfill`, workflowId: workflowInfo().workflowId };
    });
}

function counts(state: BackfillState, set: ReadySet) {
  const c = set.counts();
  return {
    total: set.size,
    done: c.done,
    failed: c.failed + c.blocked,
    skipped: c.kept,
    notRun: c.skipped,
    waiting: c.waiting,
    partitions: state.plan.partitions.length,
    failures: state.failures,
    startedAt: state.startedAt,
  };
}

function summarize(state: BackfillState, set: ReadySet): BackfillSummary {
  const base = counts(state, set);
  return {
    ...base,
    status: base.failed + base.waiting + base.notRun === 0 ? "succeeded" : "failed",
    durationSeconds: Math.round((Date.now() - Date.parse(state.startedAt)) / 1000),
  };
}

function progress(state: BackfillState | undefined, set: ReadySet | undefined, running: number, paused: boolean): BackfillProgress {
  if (!state || !set) return { total: 0, done: 0, failed: 0, skipped: 0, notRun: 0, waiting: 0, running: 0, pending: 0, partitions: 0, paused, etaSeconds: null, startedAt: new Date().toISOString(), failures: [] };
  const c = set.counts();
  const remaining = c.pending + c.ready + c.running;
  const elapsed = (Date.now() - Date.parse(state.startedAt)) / 1000;
  return {
    ...counts(state, set),
    running,
    pending: remaining - running,
    paused,
    etaSeconds: state.finished > 0 ? Math.round((elapsed / state.finished) * remaining) : null,
    grid: progressGrid(state.plan, set.encode()),
  };
}

/** The Web UI's workflow page shows this without opening JSON. */
function describeInWebUi(state: BackfillState, set: ReadySet, paused: boolean): void {
  const c = set.counts();
  const lines = [
    `**${state.plan.job ?? "selection"}** · ${state.plan.partitions.length} partitions · ${set.size} asset partitions${paused ? " · paused" : ""}`,
    "",
    "| done | running | pending | failed | kept | not run | waiting |",
    "|---|---|---|---|---|---|---|",
    `| ${c.done} | ${c.running} | ${c.pending + c.ready} | ${c.failed + c.blocked} | ${c.kept} | ${c.skipped} | ${c.waiting} |`,
  ];
  setCurrentDetails(lines.join("\n"));
}
