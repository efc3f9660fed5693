/**
 * Start a backfill workflow and follow it with a live progress bar fed by its
 * progress query. Shared by `materia backfill` and the demo.
 */
import { randomBytes } from "node:crypto";
import { SingleBar, Presets } from "cli-progress";
import type { Client, WorkflowHandle } from "@temporalio/client";
import { TypedSearchAttributes } from "@temporalio/common";
import { backfillProgressQuery, backfillWorkflowId, type BackfillInput, type BackfillProgress, type BackfillSummary } from "../temporal/backfill-shared";
import { MATERIA_KIND } from "../temporal/search-attributes";
import type { backfillWorkflow } from "../temporal/workflows";

export async function startBackfill(client: Client, taskQueue: string, input: BackfillInput): Promise<WorkflowHandle<typeof backfillWorkflow>> {
  return client.workflow.start<typeof backfillWorkflow>("backfillWorkflow", {
    taskQueue,
    workflowId: backfillWorkflowId(input, randomBytes(3).toString("hex")),
    args: [input],
    typedSearchAttributes: new TypedSearchAttributes([{ key: MATERIA_KIND, value: "backfill" }]),
  });
}

/** Poll the progress query into a bar until the workflow closes; returns its summary (or throws its failure). */
export async function followBackfill(handle: WorkflowHandle<typeof backfillWorkflow>, options: { bar?: boolean } = {}): Promise<BackfillSummary> {
  const showBar = options.bar ?? process.stderr.isTTY === true;
  const bar = new SingleBar(
    { format: "backfill |{bar}| {value}/{total} partitions · {running} running · {failed} failed · {skipped} skipped · ETA {eta_text}", hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 },
    Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  const update = (progress: BackfillProgress): void => {
    const payload = { running: progress.running, failed: progress.failed, skipped: progress.skipped, eta_text: progress.etaSeconds === null ? "?" : `${progress.etaSeconds}s` };
    const value = progress.done + progress.failed + progress.skipped;
    // Total is 0 while the backfill is still planning: start the bar once the plan is known.
    if (progress.total === 0) return;
    if (!started) {
      bar.start(progress.total, value, payload);
      started = true;
    } else bar.update(value, payload);
  };
  const poll = async (): Promise<void> => {
    while (!stopped) {
      const progress = await handle.query(backfillProgressQuery).catch(() => undefined);
      if (progress && showBar) update(progress);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const polling = poll();
  try {
    const summary = await handle.result();
    if (showBar && started) bar.update(summary.done + summary.failed + summary.skipped);
    return summary;
  } finally {
    stopped = true;
    await polling;
    if (started) bar.stop();
  }
}
