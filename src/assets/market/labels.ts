/** Stage 4: front-month bars (+ the features' rv_60) → triple-barrier labels in six modes, with sample weights. */
import { defineAsset, defineKernel, timeWindowMapping } from "materia";
import { labelKernel } from "./label-kernel";
import { MARKET_MONTHS, requireMonthOf, WIDE_FLOAT_PARQUET } from "./layout";
import { labelKernelInputSql, labelRootsSql, labelsOutputSql } from "./sql/labels";

export const labels = defineAsset({
  key: "market/labels",
  description: "Triple-barrier labels (long/short × scalp/intraday/swing) with t1, return, uniqueness and weight; NULL where the horizon runs past the data.",
  partitions: MARKET_MONTHS,
  // The horizon reaches into the next month; until it arrives, late labels are incomplete and the partition goes stale when it does.
  // Concurrency counts the neighbouring months' labels that span the month's bars: the previous month's last bars and the
  // next month's first, labelled here from their bars and σ (rv_60) to count them.
  deps: [
    { asset: "market/front_month_bars", mapping: timeWindowMapping({ startOffset: -1, endOffset: 1, allowNonexistentUpstream: true }) },
    { asset: "market/features", mapping: timeWindowMapping({ startOffset: -1, endOffset: 1, allowNonexistentUpstream: true }) },
  ],
  codeVersion: "4",
  parquet: WIDE_FLOAT_PARQUET,
  async materialize(ctx) {
    requireMonthOf(ctx, "front_month_bars");
    requireMonthOf(ctx, "features");
    const monthsRead = ctx.upstreamPartitions.front_month_bars ?? [];
    ctx.addMetadata({ nextMonthRead: monthsRead.some((month) => month > ctx.partitionKey!), previousMonthRead: monthsRead.some((month) => month < ctx.partitionKey!) });
    await ctx.sql.run(labelRootsSql());
    // SQL reads, adjusts and numbers the bars; the kernel does the path-dependent scans: first touches and concurrency
    return { kernel: defineKernel({ input: labelKernelInputSql(ctx.sql, ctx.timeWindow!), run: labelKernel, select: labelsOutputSql }) };
  },
});
