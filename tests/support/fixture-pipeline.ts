/**
 * A small partitioned graph for execution tests:
 *   orders (monthly, blocking check) → daily_revenue (monthly)
 *     → rolling_revenue (monthly, reads the previous month too)
 *     → summary (unpartitioned, reads all months)
 * `resources.negative` injects a bad row; `resources.scale` changes the data;
 * `resources.unavailable` makes orders fail (non-retryable) before any SQL.
 */
import { defineAsset, defineDefinitions, defineJob, defineSchedule, MaterializeError, monthlyPartitions, timeWindowMapping, type Definitions, type ScheduleDefinition } from "../../src/core";

export const MONTHS = monthlyPartitions({ start: "2024-01", end: "2027-01" });

export const SHOP_MONTHLY_SCHEDULE = defineSchedule({ name: "shop_monthly", job: "shop_monthly", cron: "0 2 2 * *", description: "02:00 UTC on the 2nd: the previous month" });

export function fixtureDefinitions(options: { ordersCodeVersion?: string; schedules?: ScheduleDefinition[] } = {}): Definitions {
  const orders = defineAsset({
    key: "shop/orders",
    partitions: MONTHS,
    codeVersion: options.ordersCodeVersion ?? "1",
    checks: [{ name: "amount_not_negative", blocking: true, check: "SELECT * FROM output WHERE amount < 0" }],
    async materialize(ctx) {
      if (ctx.resources.unavailable === true) throw new MaterializeError("The orders source is unavailable.");
      const start = ctx.timeWindow!.start.toISOString();
      const scale = Number(ctx.resources.scale ?? 1);
      const negative = ctx.resources.negative === true ? "UNION ALL SELECT 999999, TIMESTAMP '2024-01-01', -5.0" : "";
      ctx.addMetadata({ scale });
      return `SELECT i::BIGINT AS order_id, ${ctx.sql.literal(start)}::TIMESTAMP + to_hours(i) AS ordered_at, ((i % 7) * 10.0 * ${scale})::DOUBLE AS amount
              FROM range(0, 24 * 20) t(i) ${negative}`;
    },
  });
  const dailyRevenue = defineAsset({
    key: "shop/daily_revenue",
    partitions: MONTHS,
    deps: ["shop/orders"],
    async materialize() {
      return "SELECT date_trunc('day', ordered_at)::DATE AS day, sum(amount) AS revenue, count(*) AS orders FROM orders GROUP BY 1 ORDER BY 1";
    },
  });
  const rollingRevenue = defineAsset({
    key: "shop/rolling_revenue",
    partitions: MONTHS,
    deps: [{ asset: "shop/daily_revenue", mapping: timeWindowMapping({ startOffset: -1, allowNonexistentUpstream: true }) }],
    async materialize(ctx) {
      return `SELECT count(*) AS days, sum(revenue) AS revenue, ${ctx.sql.literal(ctx.partitionKey!)} AS month FROM daily_revenue`;
    },
  });
  const summary = defineAsset({
    key: "shop/summary",
    deps: ["shop/daily_revenue"],
    async materialize() {
      return "SELECT count(*) AS days, sum(revenue) AS revenue FROM daily_revenue";
    },
  });
  return defineDefinitions({
    assets: [orders, dailyRevenue, rollingRevenue, summary],
    jobs: [defineJob({ name: "shop_monthly", selection: "key:shop/orders or key:shop/daily_revenue" })],
    schedules: options.schedules ?? [SHOP_MONTHLY_SCHEDULE],
  });
}
