/** Stage 4: front-month bars (+ the features' rv_60) → triple-barrier labels in six modes, with sample weights. */
import { defineAsset, MaterializeError, timeWindowMapping, type SqlConnection } from "materia";
import { MARKET_MONTHS, requireMonthOf, WIDE_FLOAT_PARQUET } from "./layout";
import { labelRunningSumsSql, labelsSelectSql } from "./sql/label-weights";
import { labelBarsOutOfOrderSql, labelBarsSql, labelEventsSql, labelTouchesSql } from "./sql/labels";

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
  codeVersion: "3",
  parquet: WIDE_FLOAT_PARQUET,
  async materialize(ctx) {
    requireMonthOf(ctx, "front_month_bars");
    requireMonthOf(ctx, "features");
    await ctx.sql.run(labelBarsSql(ctx.sql, ctx.timeWindow!));
    await assertBarsInOrder(ctx.sql);
    await ctx.sql.run(labelTouchesSql(ctx.sql));
    await ctx.sql.run(labelEventsSql());
    await ctx.sql.run(labelRunningSumsSql());
    const monthsRead = ctx.upstreamPartitions.front_month_bars ?? [];
    ctx.addMetadata({ nextMonthRead: monthsRead.some((month) => month > ctx.partitionKey!), previousMonthRead: monthsRead.some((month) => month < ctx.partitionKey!) });
    return labelsSelectSql();
  },
});

/**
 * The touch search and the running sums read neighbours with lead/lag over
 * the table's stored order, which must be g's. It is, because label_bars is
 * written by streaming windows, which run on one thread and so insert rows as
 * they number them (sessions do not preserve insertion order in general).
 * Should DuckDB ever change that, fail loudly instead of labelling from the
 * wrong bars. One streaming pass: a few milliseconds.
 */
async function assertBarsInOrder(sql: SqlConnection): Promise<void> {
  const [row] = await sql.all<{ breaks: bigint }>(labelBarsOutOfOrderSql());
  const breaks = Number(row?.breaks ?? 0);
  if (breaks > 0) {
    throw new MaterializeError(`label_bars is stored out of g order in ${breaks} places, so leads would read the wrong bars.`, {
      hint: "DuckDB no longer writes streaming-window output in order: number the bars in a separate ordered pass (e.g. ORDER BY g on insert).",
    });
  }
}
