/**
 * Start a backfill workflow and follow it with a live progress bar fed by its
 * progress query, through server restarts (see temporal-session.ts). Shared
 * by `materia backfill` and the demo.
 */
import { SingleBar, Presets } from "cli-progress";
import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from "@temporalio/client";
import type { ProgressGrid } from "../core";
import { backfillProgressQuery, type BackfillInput, type BackfillProgress, type BackfillSummary } from "../temporal/backfill-shared";
import { startBackfillWorkflow, type StartContext } from "../temporal/client";
import type { backfillWorkflow } from "../temporal/workflows";
import type { TemporalSession } from "./temporal-session";
import { failureSummary, rethrowWithCause } from "./workflow-failure";

const POLL_MS = 500;

/** The client's start (with the Web UI summary), kept here for the commands and tests that follow what they start. */
export async function startBackfill(client: Client, taskQueue: string, input: BackfillInput, context: StartContext = { startedBy: "materia backfill" }): Promise<WorkflowHandleWithFirstExecutionRunId<typeof backfillWorkflow>> {
  return startBackfillWorkflow(client, taskQueue, input, context);
}

export interface BarPayload {
  running: number;
  failed: number;
  skipped: number;
  eta_text: string;
}

/** A paused backfill has no ETA: nothing new starts until it is resumed. */
export function etaText(progress: Pick<BackfillProgress, "paused" | "etaSeconds">): string {
  if (progress.paused) return "paused";
  return progress.etaSeconds === null ? "?" : `${progress.etaSeconds}s`;
}

export function barPayload(progress: BackfillProgress): BarPayload {
  return { running: progress.running, failed: progress.failed, skipped: progress.skipped, eta_text: etaText(progress) };
}

/** The bar's last frame: from the result, not the last poll (which may still count a run in flight). */
export function finalBarPayload(summary: BackfillSummary): BarPayload {
  return { running: 0, failed: summary.failed, skipped: summary.skipped, eta_text: summary.status === "succeeded" ? "done" : "finished with failures" };
}

/** Asset partitions that reached their end in this backfill (done, failed, kept, not run, waiting). */
function settled(p: Pick<BackfillProgress, "done" | "failed" | "skipped" | "notRun" | "waiting">): number {
  return p.done + p.failed + p.skipped + p.notRun + p.waiting;
}

/** One line for `backfill status`. */
export function describeProgress(progress: BackfillProgress): string {
  const counts = `${progress.done} done, ${progress.failed} failed, ${progress.skipped} kept, ${progress.notRun} not run, ${progress.waiting} waiting, ${progress.running} running, ${progress.pending} pending of ${progress.total} asset partitions`;
  return progress.paused ? `${counts} (paused: running steps finish, no new ones start; resume to continue)` : `${counts}; ETA ${etaText(progress)}`;
}

/**
 * The per-node grid as text: one line per step, one character per partition
 * (see the README's legend), the partitions' first and last keys above.
 * Wide ranges are folded into lines of `width` characters.
 */
export function gridLines(grid: ProgressGrid, width = 72): string[] {
  const name = Math.max(...grid.rows.map((r) => r.step.length), 4);
  const lines = [`${"".padEnd(name)}  ${grid.partitions[0] ?? ""} … ${grid.partitions[grid.partitions.length - 1] ?? ""}  (d done · R running · p pending · f failed · b blocked · k kept · s not run · w waiting)`];
  for (const row of grid.rows) {
    const states = row.states;
    for (let i = 0; i < Math.max(states.length, 1); i += width) lines.push(`${(i === 0 ? row.step : "").padEnd(name)}  ${states.slice(i, i + width)}`);
  }
  return lines;
}

export function isBackfillSummary(value: unknown): value is BackfillSummary {
  return typeof value === "object" && value !== null && "status" in value && "total" in value && "failures" in value && Array.isArray(value.failures);
}

type BackfillHandle = WorkflowHandle<typeof backfillWorkflow> & { firstExecutionRunId?: string };

/**
 * Poll the progress query into a bar until the workflow closes. Returns its
 * summary — a failed backfill's too, which its failure carries — or throws
 * the typed cause of a backfill that failed before running anything. With a
 * `session`, follows through server restarts on fresh connections.
 */
export async function followBackfill(handle: BackfillHandle, options: { bar?: boolean; session?: TemporalSession } = {}): Promise<BackfillSummary> {
  const { session } = options;
  const firstExecutionRunId = handle.firstExecutionRunId;
  // A handle of the session's current connection (replaced on reconnect), else the one given.
  const current = (client?: Client): BackfillHandle =>
    client ? client.workflow.getHandle<typeof backfillWorkflow>(handle.workflowId, undefined, firstExecutionRunId ? { firstExecutionRunId } : {}) : handle;
  const showBar = options.bar ?? process.stderr.isTTY === true;
  const bar = new SingleBar(
    { format: "backfill |{bar}| {value}/{total} asset partitions · {running} running · {failed} failed · {skipped} kept · ETA {eta_text}", hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 },
    Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  const update = (progress: BackfillProgress): void => {
    const value = settled(progress);
    // Total is 0 while the backfill is still planning: start the bar once the plan is known.
    if (progress.total === 0) return;
    if (!started) {
      bar.start(progress.total, value, barPayload(progress));
      started = true;
    } else bar.update(value, barPayload(progress));
  };
  const poll = async (): Promise<void> => {
    while (!stopped) {
      // Best effort: a failed query (server away, worker busy) just skips a frame; the result call reconnects.
      const progress = await current(session?.client)
        .query(backfillProgressQuery)
        .catch(() => undefined);
      if (progress && showBar && !stopped) update(progress);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const polling = poll();
  try {
    const result = session ? session.retrying((client) => current(client).result()) : handle.result();
    const summary = await result.catch((error: unknown) => failureSummary(error, isBackfillSummary) ?? rethrowWithCause(error, `backfill ${handle.workflowId}`, { validatedHere: true }));
    if (showBar && started) bar.update(settled(summary), finalBarPayload(summary));
    return summary;
  } finally {
    stopped = true;
    await polling;
    if (started) bar.stop();
  }
}
