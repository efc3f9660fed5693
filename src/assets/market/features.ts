/** Stage 3: front-month bars → 43 features per root and bar (see sql/features.ts and feature-kernel.ts). */
import { defineAsset, defineKernel, timeWindowMapping } from "materia";
import { featureNullRateCheck, noLookAheadCheck } from "./feature-checks";
import { featureKernel } from "./feature-kernel";
import { MARKET_MONTHS, requireMonthOf, WIDE_FLOAT_PARQUET } from "./layout";
import { featureKernelInputSql, featureKeysSql, featuresOutputSql } from "./sql/features";

export const features = defineAsset({
  key: "market/features",
  description: "43 price, volatility, volume and time-of-day features on ratio back-adjusted front-month bars.",
  partitions: MARKET_MONTHS,
  // The previous month warms up the longest window (240 bars + 1).
  deps: [{ asset: "market/front_month_bars", mapping: timeWindowMapping({ startOffset: -1, allowNonexistentUpstream: true }) }],
  codeVersion: "4",
  parquet: WIDE_FLOAT_PARQUET,
  checks: [featureNullRateCheck, noLookAheadCheck],
  async materialize(ctx) {
    requireMonthOf(ctx, "front_month_bars");
    await ctx.sql.run(featureKeysSql("front_month_bars"));
    // SQL reads, scales, adjusts and sorts the bars and takes the logarithms; the kernel runs the rolling windows
    return { kernel: defineKernel({ input: featureKernelInputSql(ctx.sql, "front_month_bars", ctx.timeWindow!), run: featureKernel, select: featuresOutputSql }) };
  },
});
