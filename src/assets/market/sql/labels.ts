/**
 * SQL of `market/labels`: the bars the labels kernel (../label-kernel.ts)
 * scans, and the labels table over its output. The label of bar t looks
 * *forward* h bars by definition: it is a target, never a feature. Prices
 * are ratio back-adjusted per root (back-adjustment.ts), so barrier
 * distances (log ratios) match the features'.
 */
import type { SqlConnection } from "materia";
import { adjustmentOf, logAdjustmentOf, rollAdjustments, rollJoin } from "./back-adjustment";
import { BARRIER_SETS, labelSpans } from "./label-modes";

const LONGEST_HORIZON = Math.max(...BARRIER_SETS.map((s) => s.horizon));
const LOOK_AHEAD_DAYS = 5;

/** Statement building `label_roots`: a small integer per root, the kernel's stand-in for the text. */
export function labelRootsSql(): string {
  return `CREATE OR REPLACE TEMP TABLE label_roots AS SELECT root, row_number() OVER (ORDER BY root)::INTEGER AS root_id FROM (SELECT DISTINCT root FROM front_month_bars)`;
}

/**
 * The kernel's input: every bar read, in (root, ts) order, numbered g, with
 * log prices, the adjusted close and its one-bar log return. Besides the month it
 * reads each root's last ${LONGEST_HORIZON} bars before it — their labels
 * span the month's first bars, so concurrency there counts them — and its
 * first ${2 * LONGEST_HORIZON} bars after it: the longest horizon of the
 * month's last labels, and the horizon of the next month's first labels,
 * which cover those bars too. Bars outside the month are labelled only to
 * count them (`in_month` false); normalisation stays within the month.
 */
export function labelKernelInputSql(sql: SqlConnection, window: { start: Date; end: Date }): string {
  const start = sql.literal(window.start.toISOString());
  const end = sql.literal(window.end.toISOString());
  // The longest horizon is 240 bars: five days before and after the month always hold 2 × 240, even over a weekend and a holiday.
  const lookBackFrom = sql.literal(new Date(window.start.getTime() - LOOK_AHEAD_DAYS * 86_400_000).toISOString());
  const lookAheadUntil = sql.literal(new Date(window.end.getTime() + LOOK_AHEAD_DAYS * 86_400_000).toISOString());
  return `
WITH bars_read AS (
  -- look-back: each root's last ${LONGEST_HORIZON} bars before the month, whose labels can span the month's bars
  SELECT root, ts, high, low, close, roll_ratio FROM front_month_bars WHERE ts >= ${lookBackFrom}::TIMESTAMP AND ts < ${start}::TIMESTAMP
  QUALIFY row_number() OVER (PARTITION BY root ORDER BY ts DESC) <= ${LONGEST_HORIZON}
  UNION ALL
  SELECT root, ts, high, low, close, roll_ratio FROM front_month_bars WHERE ts >= ${start}::TIMESTAMP AND ts < ${end}::TIMESTAMP
  UNION ALL
  -- look-ahead: each root's first ${2 * LONGEST_HORIZON} bars after the month, all the month's horizons and the labels covering them can reach
  SELECT root, ts, high, low, close, roll_ratio FROM front_month_bars WHERE ts >= ${end}::TIMESTAMP AND ts < ${lookAheadUntil}::TIMESTAMP
  QUALIFY row_number() OVER (PARTITION BY root ORDER BY ts) <= ${2 * LONGEST_HORIZON}
), ${rollAdjustments("bars_read")}, root_sizes AS (
  SELECT b.root, any_value(r.root_id) AS root_id, count(*) AS bars FROM bars_read b JOIN label_roots r ON r.root = b.root GROUP BY b.root
), sigmas AS (
  SELECT root, ts, rv_60 FROM features WHERE ts >= ${lookBackFrom}::TIMESTAMP AND ts < ${lookAheadUntil}::TIMESTAMP
), sorted AS (
  SELECT s.root_id, b.ts, ln(b.high) AS ln_high, ln(b.low) AS ln_low, ln(b.close) AS ln_close, ${logAdjustmentOf()} AS log_adjust,
         b.close * ${adjustmentOf()} AS adjusted_close,
         s.bars, f.rv_60 AS sigma, b.ts >= ${start}::TIMESTAMP AND b.ts < ${end}::TIMESTAMP AS in_month
  FROM bars_read b
  JOIN root_sizes s ON s.root = b.root
  LEFT JOIN sigmas f ON f.root = b.root AND f.ts = b.ts
  ${rollJoin("b")}
  ORDER BY b.root, b.ts
), numbered AS (
  SELECT *,
    row_number() OVER () AS g,
    root_id IS DISTINCT FROM lag(root_id) OVER () AS new_root
  FROM sorted
)
-- rows leave the streaming windows in g order (the kernel checks that it reads them so): no second sort
SELECT g::INTEGER AS g, root_id, ts, in_month, sigma,
       (bars - 1 - (g - max(CASE WHEN new_root THEN g END) OVER (ROWS UNBOUNDED PRECEDING)))::INTEGER AS bars_after,
       ln_close + log_adjust AS log_close, ln_high + log_adjust AS log_high, ln_low + log_adjust AS log_low, adjusted_close,
       -- one-bar log return as the ratio of adjusted closes (across roots it is never attributed: no label spans a root's first bar)
       ln(adjusted_close / lag(adjusted_close) OVER ()) AS r
FROM numbered`;
}

/**
 * The labels table over the kernel's output (`table`): roots back as text.
 * The kernel returns the rows in (root, ts) order and its output is scanned
 * on one thread, the few roots the build side of the join: no sort.
 */
export function labelsOutputSql(table: string): string {
  const columns = labelSpans().flatMap((span) => span.modes.flatMap(({ mode }) => [mode, `${mode}_t1`, `${mode}_ret`, `${mode}_uniqueness`, `${mode}_weight`]));
  return `
SELECT r.root, k.ts, ${BARRIER_SETS.map((s) => `k.complete_${s.name}`).join(", ")},
  ${columns.map((c) => `k.${c}`).join(", ")}
FROM ${table} k JOIN label_roots r ON r.root_id = k.root_id`;
}

