/**
 * Deterministic input errors are not retried: a NonRetryableError thrown by a
 * transform (a bad landing file) and SQL that cannot bind each fail their
 * step on the first attempt, through the real Temporal dev server; a
 * transient error is still retried.
 */
import { defineAsset, defineDefinitions, NonRetryableError } from "../../src/core";
import { startRun } from "../../src/temporal/client";
import { startHarness, type Harness } from "../support/temporal-harness";

let transientFailures = 0;
const definitions = defineDefinitions({
  assets: [
    defineAsset({
      key: "bad/landing",
      retry: { maximumAttempts: 3, initialInterval: "100 milliseconds" },
      materialize: async () => {
        throw new NonRetryableError("landing/bad.csv has the header \"a,b\"; expected \"id,amount\".", { hint: "Ask for a re-delivery." });
      },
    }),
    defineAsset({ key: "bad/sql", retry: { maximumAttempts: 3, initialInterval: "100 milliseconds" }, materialize: async () => "SELECT no_such_column FROM range(3)" }),
    defineAsset({
      key: "bad/transient",
      retry: { maximumAttempts: 3, initialInterval: "100 milliseconds" },
      materialize: async () => {
        if (transientFailures++ < 1) throw new Error("connection reset by peer");
        return "SELECT 1 AS ok";
      },
    }),
  ],
});

describe("deterministic errors fail at once", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(definitions);
  });
  afterAll(async () => {
    await harness.close();
  });

  /** The attempts the step's activity made, from the run's history. */
  async function attemptsOf(workflowId: string): Promise<number[]> {
    const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
  }

  it.each([
    ["bad/landing", /header "a,b"/],
    ["bad/sql", /Binder Error.*no_such_column/s],
  ])("%s fails its step on the first attempt with its message", async (asset, message) => {
    const { handle, workflowId } = await startRun(harness.client, harness.config.temporal.taskQueue, { selection: `key:${asset}` });
    const summary = await handle.result().catch((error: unknown) => error);
    const steps = (summary as { steps?: Array<{ status: string; error?: string }> }).steps ?? [];
    expect(JSON.stringify(summary).replace(/\\"/g, '"')).toMatch(message);
    if (steps.length > 0) expect(steps[0]!.status).toBe("failed");
    // Planning, the step's only attempt, and the run-failed alert's planning.
    expect(await attemptsOf(workflowId)).toEqual([1, 1, 1]);
  });

  it("a transient error is retried and the step then publishes", async () => {
    const { handle, workflowId } = await startRun(harness.client, harness.config.temporal.taskQueue, { selection: "key:bad/transient" });
    expect((await handle.result()).status).toBe("succeeded");
    // The run workflow applies the asset's retry policy itself (a new activity per attempt; Temporal's own
    // retries are kept for crashes): planning, the failed attempt, the one that published.
    expect(await attemptsOf(workflowId)).toEqual([1, 1, 1]);
    expect(transientFailures).toBe(2);
  });
});
