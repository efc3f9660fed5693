/** Stage 4: front-month bars (+ the features' rv_60) → triple-barrier labels in six modes, with sample weights. */
import { defineAsset, timeWindowMapping } from "../../core";
import { MARKET_MONTHS, requireMonthOf, WIDE_FLOAT_PARQUET } from "./layout";
import { labelRunningSumsSql, labelsSelectSql } from "./sql/label-weights";
import { labelBarsSql, labelEventsSql, labelTouchesSql } from "./sql/labels";

export const labels = defineAsset({
  key: "market/labels",
  description: "Triple-barrier labels (long/short × scalp/intraday/swing) with t1, return, uniqueness and weight; NULL where the horizon runs past the data.",
  partitions: MARKET_MONTHS,
  deps: [
    // The horizon reaches into the next month; until it arrives, late labels are incomplete and the partition goes stale when it does.
    { asset: "market/front_month_bars", mapping: timeWindowMapping({ endOffset: 1, allowNonexistentUpstream: true }) },
    "market/features",
  ],
  codeVersion: "2",
  parquet: WIDE_FLOAT_PARQUET,
  async materialize(ctx) {
    requireMonthOf(ctx, "front_month_bars");
    await ctx.sql.run(labelBarsSql(ctx.sql, ctx.timeWindow!));
    await ctx.sql.run(labelTouchesSql(ctx.sql));
    await ctx.sql.run(labelEventsSql());
    await ctx.sql.run(labelRunningSumsSql());
    ctx.addMetadata({ nextMonthRead: (ctx.upstreamPartitions.front_month_bars ?? []).length > 1 });
    return labelsSelectSql();
  },
});
