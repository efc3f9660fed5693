/** Stage 2: raw bars → one front-contract series per root, with the ratio at each roll. */
import { defineAsset, timeWindowMapping } from "materia";
import { MARKET_MONTHS, requireMonthOf } from "./layout";
import { frontMonthSql } from "./sql/front-month";

export const frontMonthBars = defineAsset({
  key: "market/front_month_bars",
  description: "Per root and Globex session, the bars of the contract that traded most in the previous session; roll_ratio on the first bar after a roll.",
  partitions: MARKET_MONTHS,
  // The previous month decides the front contract of the month's first session.
  deps: [{ asset: "market/raw_bars", mapping: timeWindowMapping({ startOffset: -1, allowNonexistentUpstream: true }) }],
  codeVersion: "3",
  async materialize(ctx) {
    requireMonthOf(ctx, "raw_bars");
    return frontMonthSql(ctx.sql, ctx.timeWindow!);
  },
});
