import { WorkflowFailedError } from "@temporalio/client";
import { CancelledFailure } from "@temporalio/common";
import { defineAsset, defineCheck, defineDefinitions } from "../../src/core";
import { startRun } from "../../src/temporal/client";
import { fixtureDefinitions } from "../support/fixture-pipeline";
import { startHarness, type Harness } from "../support/temporal-harness";

const base = fixtureDefinitions();
const definitions = defineDefinitions({
  assets: [
    ...base.assets,
    defineAsset({
      key: "shop/heavy",
      timeout: { heartbeat: "10 seconds" },
      async materialize() {
        // Minutes of DuckDB work unless interrupted.
        return "SELECT count(*) AS n FROM range(100000000000) a WHERE a.range % 7 = 3";
      },
    }),
  ],
  checks: [defineCheck({ asset: "shop/daily_revenue", name: "revenue_under_500", severity: "warn", blocking: false, check: "SELECT * FROM output WHERE revenue >= 500" })],
});

describe("run workflow: cancellation and non-blocking checks", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(definitions);
  });
  afterAll(async () => {
    await harness.close();
  });

  it("cancelling a run interrupts its running DuckDB query and publishes nothing", async () => {
    const { handle } = await startRun(harness.client, harness.config.temporal.taskQueue, { selection: "key:shop/heavy" });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const cancelledAt = Date.now();
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    // The activity's cancellation is waited for (WAIT_CANCELLATION_COMPLETED): it stopped within a heartbeat or two.
    expect(Date.now() - cancelledAt).toBeLessThan(20_000);
    expect(await harness.env.catalog.readManifest("shop/heavy", null)).toBeUndefined();
  });

  it("a failing non-blocking check publishes, records the failure and lets downstream run", async () => {
    const { handle } = await startRun(harness.client, harness.config.temporal.taskQueue, { selection: "key:shop/orders or key:shop/daily_revenue or key:shop/rolling_revenue", partition: "2024-11" });
    const summary = await handle.result();
    expect(summary.status).toBe("succeeded");
    expect(summary.steps.map((s) => [s.id, s.status, s.failedChecks])).toEqual([
      ["shop/orders[2024-11]", "published", []],
      ["shop/daily_revenue[2024-11]", "published", ["shop/daily_revenue:revenue_under_500"]],
      ["shop/rolling_revenue[2024-11]", "published", []],
    ]);
    const manifest = (await harness.env.catalog.readManifest("shop/daily_revenue", "2024-11"))!;
    expect(manifest.checks).toEqual([expect.objectContaining({ check: "revenue_under_500", passed: false, severity: "warn", blocking: false })]);
  });
});
