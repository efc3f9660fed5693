import { WorkflowFailedError } from "@temporalio/client";
import { CancelledFailure } from "@temporalio/common";
import { followBackfill, startBackfill } from "../../src/cli/backfill-progress";
import { backfillProgressQuery, pauseBackfillSignal, resumeBackfillSignal, type BackfillProgress } from "../../src/temporal/backfill-shared";
import { startRun } from "../../src/temporal/client";
import { manifestKey } from "../../src/resources/catalog/layout";
import { fixtureDefinitions, MONTHS } from "../support/fixture-pipeline";
import { startHarness, type Harness } from "../support/temporal-harness";
import { waitFor } from "../support/wait";

const SELECTION = "key:shop/orders or key:shop/daily_revenue";

describe("backfill workflow on the real Temporal dev server", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(fixtureDefinitions());
  });
  afterAll(async () => {
    await harness.close();
  });

  it("backfills 24 partitions as 48 asset partitions, keeping those that exist", async () => {
    const taskQueue = harness.config.temporal.taskQueue;
    for (const partition of ["2024-03", "2024-07"]) await (await startRun(harness.client, taskQueue, { selection: SELECTION, partition })).handle.result();
    const before = (await harness.env.catalog.readManifest("shop/orders", "2024-03"))!;

    const handle = await startBackfill(harness.client, taskQueue, { selection: SELECTION, from: "2024-01", to: "2025-12", skip: "existing", maxConcurrentSteps: 4 });
    const summary = await followBackfill(handle, { bar: false });
    expect(summary).toMatchObject({ status: "succeeded", partitions: 24, total: 48, skipped: 4, done: 44, failed: 0, notRun: 0, waiting: 0 });
    for (const partition of MONTHS.keysInRange("2024-01", "2025-12")) {
      expect(await harness.env.catalog.readManifest("shop/daily_revenue", partition)).toBeDefined();
    }
    expect((await harness.env.catalog.readManifest("shop/orders", "2024-03"))!.runId).toBe(before.runId);
  });

  it("--skip existing re-runs only what is missing: a missing unpartitioned asset costs one step, not every published partition", async () => {
    const taskQueue = harness.config.temporal.taskQueue;
    const selection = `${SELECTION} or key:shop/summary`;
    const first = await startBackfill(harness.client, taskQueue, { selection, from: "2025-01", to: "2025-03", maxConcurrentSteps: 1 });
    expect(await followBackfill(first, { bar: false })).toMatchObject({ status: "succeeded", total: 7, done: 7 });
    const published = (await harness.env.catalog.readManifest("shop/orders", "2025-01"))!;
    // The unpartitioned summary goes missing (say its last build failed): every month is still published.
    await harness.env.store.delete(manifestKey("shop/summary", null));

    const again = await startBackfill(harness.client, taskQueue, { selection, from: "2025-01", to: "2025-03", skip: "existing", maxConcurrentSteps: 1 });
    expect(await followBackfill(again, { bar: false })).toMatchObject({ status: "succeeded", total: 7, skipped: 6, done: 1, failed: 0 });
    expect(await harness.env.catalog.readManifest("shop/summary", null)).toBeDefined();
    expect((await harness.env.catalog.readManifest("shop/orders", "2025-01"))!.runId).toBe(published.runId);
  });

  it("continues as new when its plan outgrows one execution, and still runs every asset partition once", async () => {
    const handle = await startBackfill(harness.client, harness.config.temporal.taskQueue, { selection: SELECTION, from: "2025-01", to: "2025-12", nodesPerExecution: 5 });
    const summary = await followBackfill(handle, { bar: false });
    expect(summary).toMatchObject({ status: "succeeded", total: 24, done: 24, failed: 0, notRun: 0 });
    let executions = 0;
    let stepsScheduled = 0;
    for await (const execution of harness.client.workflow.list({ query: `WorkflowId = "${handle.workflowId}"` })) {
      executions++;
      const history = await harness.client.workflow.getHandle(handle.workflowId, execution.runId).fetchHistory();
      stepsScheduled += (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === "executeStep").length;
    }
    expect(executions).toBeGreaterThanOrEqual(5); // 24 steps, 5 per execution
    // Across every execution, each of the 24 steps was scheduled exactly once.
    expect(stepsScheduled).toBe(24);
  });

  it("pauses, resumes, and its progress totals add up", async () => {
    const handle = await startBackfill(harness.client, harness.config.temporal.taskQueue, { selection: SELECTION, from: "2025-01", to: "2025-12", maxConcurrentSteps: 1 });
    await handle.signal(pauseBackfillSignal);
    // Paused, with its running steps finished and nothing else pending: from here only a signal can
    // make it start another step, so its totals are stable by construction (no waiting to see that nothing happens).
    const paused = await waitFor("the backfill to pause and drain", async () => {
      const progress = await handle.query(backfillProgressQuery);
      const { raw } = await handle.describe();
      return progress.paused && progress.running === 0 && (raw.pendingChildren ?? []).length === 0 && (raw.pendingActivities ?? []).length === 0 && progress;
    });
    expect(paused.paused).toBe(true);
    const stillPaused = await handle.query(backfillProgressQuery);
    expect(stillPaused.done).toBe(paused.done);
    expect(stillPaused.running).toBe(0);
    expect(stillPaused.done).toBeLessThan(24);
    const add = (p: BackfillProgress) => p.done + p.failed + p.skipped + p.notRun + p.waiting + p.running + p.pending;
    expect(add(stillPaused)).toBe(stillPaused.total);

    await handle.signal(resumeBackfillSignal);
    const summary = await handle.result();
    expect(summary).toMatchObject({ status: "succeeded", total: 24, done: 24, failed: 0, skipped: 0 });
  });

  it("cancels the backfill and its running steps", async () => {
    const handle = await startBackfill(harness.client, harness.config.temporal.taskQueue, { selection: SELECTION, from: "2024-01", to: "2025-12", maxConcurrentSteps: 2 });
    await waitFor("the first asset partition to be done", async () => (await handle.query(backfillProgressQuery)).done >= 1);
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const progressAfter = await handle.query(backfillProgressQuery).catch(() => undefined);
    expect(progressAfter === undefined || progressAfter.done < 48).toBe(true);
    // No step of this backfill keeps running: the workflow closed only after its activities acknowledged the cancel.
    const { raw, status } = await handle.describe();
    expect(status.name).toBe("CANCELLED");
    expect(raw.pendingActivities ?? []).toHaveLength(0);
  });
});
