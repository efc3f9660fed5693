/**
 * The labels kernel against the SQL it replaced on a generated month
 * (~310k front-month bars, ten roots, real rolls): the same labels and end
 * bars for every mode, returns, uniqueness and weights within rounding.
 */
import { runGenerator } from "materia/testing";
import { marketGenerator } from "../../src/assets/market";
import { materialize } from "../../src/execution";
import { compareLabelsKernelWithSql } from "./market-labels-compare";
import { marketHarness, readPublished } from "./market-harness";

const MONTH = "2024-03";

describe("the labels kernel on a generated month", () => {
  it("gives the labels of the SQL it replaced", async () => {
    const h = marketHarness();
    await runGenerator(marketGenerator, { store: h.store, from: MONTH, to: MONTH, flags: ["clean"] });
    const run = await materialize(h.definitions, { selection: "+key:market/labels", partitions: [MONTH], env: h.env });
    expect(run.steps.filter((s) => s.status !== "published").map((s) => s.id)).toEqual([]);
    const comparison = await compareLabelsKernelWithSql(h, MONTH);
    expect(comparison).toMatchObject({ unpaired: 0, differentLabels: { long_scalp: 0, short_scalp: 0, long_intraday: 0, short_intraday: 0, long_swing: 0, short_swing: 0 } });
    expect(comparison.kernelRows).toBeGreaterThan(250_000);
    expect(comparison.completeLabels).toBeGreaterThan(250_000);
    expect(comparison.maxRetDiff).toBeLessThan(1e-15);
    expect(comparison.maxUniquenessDiff).toBeLessThan(1e-9);
    expect(comparison.maxWeightDiff).toBeLessThan(1e-9);
    // both published in (root, ts) order, as the training set pairs them by position
    for (const asset of ["market/labels", "market/features"]) {
      const [order] = await readPublished<{ rows: bigint; unordered: bigint }>(
        h, asset, MONTH,
        "SELECT count(*) AS rows, count(*) FILTER (WHERE prev_root > root OR (prev_root = root AND prev_ts >= ts)) AS unordered FROM (SELECT root, ts, lag(root) OVER () AS prev_root, lag(ts) OVER () AS prev_ts FROM data)",
      );
      expect({ asset, ...order }).toEqual({ asset, rows: BigInt(comparison.kernelRows), unordered: 0n });
    }

    // the same inputs give the same bytes (the data version): features from the one streaming chain, labels from the kernel
    const versions = async () => Promise.all(["market/features", "market/labels"].map(async (asset) => (await h.env.catalog.readManifest(asset, MONTH))!.dataVersion));
    const before = await versions();
    const again = await materialize(h.definitions, { selection: "key:market/features or key:market/labels", partitions: [MONTH], env: h.env });
    expect(again.steps.map((s) => s.status)).toEqual(["published", "published"]);
    expect(await versions()).toEqual(before);
  });
});
