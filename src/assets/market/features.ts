/** Stage 3: front-month bars → 43 features per root and bar (see sql/features.ts). */
import { defineAsset, timeWindowMapping } from "materia";
import { featureNullRateCheck, noLookAheadCheck } from "./feature-checks";
import { MARKET_MONTHS, requireMonthOf, WIDE_FLOAT_PARQUET } from "./layout";
import { featuresSql } from "./sql/features";

export const features = defineAsset({
  key: "market/features",
  description: "43 price, volatility, volume and time-of-day features on ratio back-adjusted front-month bars.",
  partitions: MARKET_MONTHS,
  // The previous month warms up the longest window (240 bars + 1).
  deps: [{ asset: "market/front_month_bars", mapping: timeWindowMapping({ startOffset: -1, allowNonexistentUpstream: true }) }],
  codeVersion: "3",
  parquet: WIDE_FLOAT_PARQUET,
  checks: [featureNullRateCheck, noLookAheadCheck],
  async materialize(ctx) {
    requireMonthOf(ctx, "front_month_bars");
    return featuresSql(ctx.sql, "front_month_bars", ctx.timeWindow!);
  },
});
