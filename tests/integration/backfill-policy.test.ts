import { defineAsset, defineDefinitions, monthlyPartitions, rowCount } from "../../src/core";
import { followBackfill, startBackfill } from "../../src/cli/backfill-progress";
import { backfillProgressQuery } from "../../src/temporal/backfill-shared";
import { startHarness, type Harness } from "../support/temporal-harness";

const months = monthlyPartitions({ start: "2024-01", end: "2026-01" });
/** The partition keys of each call of wide's transform. */
const wideCalls: string[][] = [];
/** When set, wide also returns rows of a month outside its group. */
let leakMonth: string | undefined;

const definitions = defineDefinitions({
  assets: [
    defineAsset({ key: "policy/raw", partitions: months, materialize: async (ctx) => `SELECT '${ctx.partitionKey}' AS month, range AS i FROM range(5)` }),
    defineAsset({
      key: "policy/wide",
      partitions: months,
      deps: ["policy/raw"],
      backfill: { maxPartitionsPerRun: 4, partitionColumn: "month" },
      checks: [rowCount({ min: 1 })],
      materialize: async (ctx) => {
        wideCalls.push(ctx.partitionKeys);
        const leak = leakMonth === undefined ? "" : ` UNION ALL SELECT '${leakMonth}' AS month, 0 AS n`;
        return `SELECT month, count(*) AS n FROM raw GROUP BY month${leak}`;
      },
    }),
  ],
});

describe("an asset's backfill policy through the real Temporal dev server", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(definitions);
  });
  afterAll(async () => {
    await harness.close();
  });

  it("materializes consecutive partitions in one step, and publishes each partition as its own checked version", async () => {
    const handle = await startBackfill(harness.client, harness.config.temporal.taskQueue, { selection: "key:policy/*", from: "2025-01", to: "2025-10" });
    const summary = await followBackfill(handle, { bar: false });
    expect(summary).toMatchObject({ status: "succeeded", partitions: 10, total: 13, done: 13 }); // 10 raw steps, 3 wide groups
    // Groups run side by side: compare them in partition order.
    expect([...wideCalls].sort((a, b) => a[0]!.localeCompare(b[0]!))).toEqual([
      ["2025-01", "2025-02", "2025-03", "2025-04"],
      ["2025-05", "2025-06", "2025-07", "2025-08"],
      ["2025-09", "2025-10"],
    ]);
    for (const month of months.keysInRange("2025-01", "2025-10")) {
      const wide = (await harness.env.catalog.readManifest("policy/wide", month))!;
      const raw = (await harness.env.catalog.readManifest("policy/raw", month))!;
      expect(wide.rowCount).toBe(1);
      // Each partition records the upstream it read, not its whole group's.
      expect(wide.upstream).toEqual([{ asset: "policy/raw", partition: month, dataVersion: raw.dataVersion }]);
      expect(wide.checks.map((c) => `${c.check}:${c.passed}`)).toContain("row_count:true");
    }
  });

  it("refuses a result with rows outside the group, publishing none of it", async () => {
    leakMonth = "2024-12";
    const before = await harness.env.catalog.readManifest("policy/wide", "2024-03");
    const handle = await startBackfill(harness.client, harness.config.temporal.taskQueue, { selection: "key:policy/*", from: "2024-01", to: "2024-04" });
    const summary = await followBackfill(handle, { bar: false });
    expect(summary).toMatchObject({ status: "failed", failed: 1 });
    expect(summary.failures[0]).toMatchObject({ step: "policy/wide", status: "failed" });
    expect(summary.failures[0]!.message).toMatch(/outside the partitions it materializes \(2024-12: 1 rows\)/);
    expect(await harness.env.catalog.readManifest("policy/wide", "2024-03")).toEqual(before);
    const progress = await handle.query(backfillProgressQuery).catch(() => undefined);
    if (progress?.grid) expect(progress.grid.rows.find((r) => r.step === "policy/wide")!.states).toBe("ffff");
    leakMonth = undefined;
  });
});
