import { WorkflowFailedError } from "@temporalio/client";
import { CancelledFailure } from "@temporalio/common";
import { followBackfill, startBackfill } from "../../src/cli/backfill-progress";
import { backfillProgressQuery, pauseBackfillSignal, resumeBackfillSignal, type BackfillProgress } from "../../src/temporal/backfill-shared";
import { startRun } from "../../src/temporal/client";
import { fixtureDefinitions, MONTHS } from "../support/fixture-pipeline";
import { startHarness, type Harness } from "../support/temporal-harness";

const SELECTION = "key:shop/orders or key:shop/daily_revenue";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("backfill workflow on the real Temporal dev server", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(fixtureDefinitions());
  });
  afterAll(async () => {
    await harness.close();
  });

  it("backfills 24 partitions, skipping those that exist", async () => {
    const taskQueue = harness.config.temporal.taskQueue;
    for (const partition of ["2024-03", "2024-07"]) await (await startRun(harness.client, taskQueue, { selection: SELECTION, partition })).handle.result();
    const before = (await harness.env.catalog.readManifest("shop/orders", "2024-03"))!;

    const handle = await startBackfill(harness.client, taskQueue, { selection: SELECTION, from: "2024-01", to: "2025-12", skip: "existing", maxConcurrentRuns: 4 });
    const summary = await followBackfill(handle, { bar: false });
    expect(summary).toMatchObject({ status: "succeeded", total: 24, skipped: 2, done: 22, failed: 0 });
    for (const partition of MONTHS.keysInRange("2024-01", "2025-12")) {
      expect(await harness.env.catalog.readManifest("shop/daily_revenue", partition)).toBeDefined();
    }
    expect((await harness.env.catalog.readManifest("shop/orders", "2024-03"))!.runId).toBe(before.runId);
  });

  it("pauses, resumes, and its progress totals add up", async () => {
    const handle = await startBackfill(harness.client, harness.config.temporal.taskQueue, { selection: SELECTION, from: "2025-01", to: "2025-12", maxConcurrentRuns: 1 });
    await handle.signal(pauseBackfillSignal);
    await sleep(1500);
    const paused = await handle.query(backfillProgressQuery);
    expect(paused.paused).toBe(true);
    await sleep(1000);
    const stillPaused = await handle.query(backfillProgressQuery);
    expect(stillPaused.done).toBe(paused.done);
    expect(stillPaused.running).toBe(0);
    expect(stillPaused.done).toBeLessThan(12);
    const add = (p: BackfillProgress) => p.done + p.failed + p.skipped + p.running + p.pending;
    expect(add(stillPaused)).toBe(stillPaused.total);

    await handle.signal(resumeBackfillSignal);
    const summary = await handle.result();
    expect(summary).toMatchObject({ status: "succeeded", total: 12, done: 12, failed: 0, skipped: 0 });
  });

  it("cancels the backfill and its running partition runs", async () => {
    const handle = await startBackfill(harness.client, harness.config.temporal.taskQueue, { selection: SELECTION, from: "2024-01", to: "2025-12", maxConcurrentRuns: 2 });
    let progress = await handle.query(backfillProgressQuery);
    for (let i = 0; i < 40 && progress.done < 1; i++) {
      await sleep(100);
      progress = await handle.query(backfillProgressQuery);
    }
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const progressAfter = await handle.query(backfillProgressQuery).catch(() => undefined);
    expect(progressAfter === undefined || progressAfter.done < 24).toBe(true);
    // No partition run of this backfill keeps running.
    let running = -1;
    for (let i = 0; i < 40 && running !== 0; i++) {
      running = 0;
      for await (const _ of harness.client.workflow.list({ query: `ExecutionStatus = "Running" AND ParentWorkflowId = "${handle.workflowId}"` })) running++;
      if (running !== 0) await sleep(250);
    }
    expect(running).toBe(0);
  });
});
