/**
 * SQL of `market/labels`: triple-barrier labels (AFML ch. 3) in six modes.
 * The label of bar t looks *forward* h bars by definition: it is a target,
 * never a feature. Prices are back-adjusted over the data this step reads,
 * so barrier distances (log ratios) match the features'.
 *
 * Finding the first touch without comparing every bar with its next 240
 * (profiled: a 240-branch CASE over 240 leads costs 1.3 s a month):
 * 1. over rows sorted by (root, ts), streaming leads give each bar the
 *    extremes of the following blocks of 15 bars, and a CASE over at most
 *    16 blocks finds the block of the first touch of each barrier;
 * 2. one join per touching barrier fetches that block's 15 bars (stored as
 *    the next 15 bars of the block's first row) and a 15-branch CASE finds
 *    the bar.
 */
import type { SqlConnection } from "materia";
import { adjustmentOf, logAdjustmentOf, rollAdjustments, rollJoin } from "./back-adjustment";
import { allBarriers, BARRIER_SETS, LABEL_MODES, profitBarrier, stopBarrier, TOUCH_BLOCK, type Barrier } from "./label-modes";

const LONGEST_HORIZON = Math.max(...BARRIER_SETS.map((s) => s.horizon));
const LOOK_AHEAD_DAYS = 5;
const BLOCKS = LONGEST_HORIZON / TOUCH_BLOCK;
/** Forward extremes over 8 bars; two overlapping ones cover a block of 15. */
const SPAN_LEVELS = 3;

function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => i + from);
}

/**
 * Statement building `label_bars`: every bar read, in (root, ts) order,
 * numbered g, with log prices and the adjusted close. Besides the month it
 * reads each root's last ${LONGEST_HORIZON} bars before it — their labels
 * span the month's first bars, so concurrency there counts them — and its
 * first ${2 * LONGEST_HORIZON} bars after it: the longest horizon of the
 * month's last labels, and the horizon of the next month's first labels,
 * which cover those bars too. Bars outside the month are labelled only to
 * count them (`in_month` false); normalisation stays within the month.
 */
export function labelBarsSql(sql: SqlConnection, window: { start: Date; end: Date }): string {
  const start = sql.literal(window.start.toISOString());
  const end = sql.literal(window.end.toISOString());
  // The longest horizon is 240 bars: five days before and after the month always hold 2 × 240, even over a weekend and a holiday.
  const lookBackFrom = sql.literal(new Date(window.start.getTime() - LOOK_AHEAD_DAYS * 86_400_000).toISOString());
  const lookAheadUntil = sql.literal(new Date(window.end.getTime() + LOOK_AHEAD_DAYS * 86_400_000).toISOString());
  return `
CREATE OR REPLACE TEMP TABLE label_bars AS
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
  SELECT root, count(*) AS bars FROM bars_read GROUP BY root
), sigmas AS (
  SELECT root, ts, rv_60 FROM features WHERE ts >= ${lookBackFrom}::TIMESTAMP AND ts < ${lookAheadUntil}::TIMESTAMP
), sorted AS (
  SELECT b.root, b.ts, ln(b.high) AS ln_high, ln(b.low) AS ln_low, ln(b.close) AS ln_close, ${logAdjustmentOf()} AS log_adjust,
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
    root IS DISTINCT FROM lag(root) OVER () AS new_root
  FROM sorted
)
SELECT g, root, ts, in_month, sigma,
       bars - 1 - (g - max(CASE WHEN new_root THEN g END) OVER (ROWS UNBOUNDED PRECEDING)) AS bars_after,
       ln_close + log_adjust AS log_close, ln_high + log_adjust AS log_high, ln_low + log_adjust AS log_low, adjusted_close
FROM numbered;

-- the 15 bars after each bar: a block starting right after it, for resolving a touch inside that block
CREATE OR REPLACE TEMP TABLE label_next_bars AS
SELECT g,
  ${range(TOUCH_BLOCK, 1)
    .flatMap((d) => [`lead(log_high, ${d}) OVER () AS high_${d}`, `lead(log_low, ${d}) OVER () AS low_${d}`])
    .join(",\n  ")}
FROM label_bars;
`;
}

/** Places where label_bars, read in stored order, does not count g up by one. */
export function labelBarsOutOfOrderSql(): string {
  return `SELECT count(*) FILTER (WHERE g <> previous_g + 1) AS breaks FROM (SELECT g, lag(g) OVER () AS previous_g FROM label_bars)`;
}

/** The log price level of a barrier for bar t. */
function level(barrier: Barrier): string {
  const distance = `${barrier.width} * sigma * sqrt(${barrier.horizon})`;
  return barrier.side === "up" ? `log_close + ${distance}` : `log_close - ${distance}`;
}

/** Index of the first block (within the horizon) whose extreme reaches the barrier, else NULL. */
function firstBlock(barrier: Barrier): string {
  const extreme = barrier.side === "up" ? "block_high" : "block_low";
  const reaches = barrier.side === "up" ? ">=" : "<=";
  const whens = range(barrier.horizon / TOUCH_BLOCK).map((b) => `WHEN ${extreme}_${b} ${reaches} level_${barrier.name} THEN ${b}`);
  return `CASE ${whens.join(" ")} END`;
}

/** Forward extremes over 2^k bars starting at each bar (k = 1..3), one streaming layer each. */
function spanLayers(): string {
  return range(SPAN_LEVELS, 1)
    .map((k) => {
      const from = k === 1 ? "label_bars" : `spans_${k - 1}`;
      const [high, low] = k === 1 ? ["log_high", "log_low"] : [`span_high_${k - 1}`, `span_low_${k - 1}`];
      const h = 2 ** (k - 1);
      return `spans_${k} AS (
  SELECT *, greatest(${high}, lead(${high}, ${h}) OVER ()) AS span_high_${k}, least(${low}, lead(${low}, ${h}) OVER ()) AS span_low_${k}
  FROM ${from}
)`;
    })
    .join(", ");
}

/** Statements building `label_touches`: per bar read, the bars until each barrier's first touch (NULL: none). */
export function labelTouchesSql(sql: SqlConnection): string {
  const barriers = allBarriers();
  const span = 2 ** SPAN_LEVELS;
  // block b covers bars t+15b+1 … t+15b+15: two overlapping spans of 8
  const blockExtremes = range(BLOCKS).flatMap((b) => {
    const [first, last] = [TOUCH_BLOCK * b + 1, TOUCH_BLOCK * b + TOUCH_BLOCK - span + 1];
    return [
      `greatest(lead(span_high_${SPAN_LEVELS}, ${first}) OVER (), lead(span_high_${SPAN_LEVELS}, ${last}) OVER ()) AS block_high_${b}`,
      `least(lead(span_low_${SPAN_LEVELS}, ${first}) OVER (), lead(span_low_${SPAN_LEVELS}, ${last}) OVER ()) AS block_low_${b}`,
    ];
  });
  const candidates = barriers.map(
    (b) => `SELECT g, ${sql.literal(b.name)} AS barrier, ${b.side === "up"} AS is_up, level_${b.name} AS level, first_${b.name} AS first_block
    FROM label_first_blocks WHERE first_${b.name} IS NOT NULL`,
  );
  const within = (column: "high" | "low", reaches: string): string =>
    `CASE ${range(TOUCH_BLOCK, 1)
      .map((d) => `WHEN n.${column}_${d} ${reaches} c.level THEN ${d}`)
      .join(" ")} END`;
  return `
CREATE OR REPLACE TEMP TABLE label_first_blocks AS
WITH ${spanLayers()}, blocks AS (
  SELECT g, in_month, sigma, log_close,
    ${blockExtremes.join(",\n    ")}
  FROM spans_${SPAN_LEVELS}
), levels AS (
  SELECT *, ${barriers.map((b) => `${level(b)} AS level_${b.name}`).join(", ")}
  FROM blocks WHERE sigma > 0
)
SELECT g,
  ${barriers.map((b) => `level_${b.name}, ${firstBlock(b)} AS first_${b.name}`).join(",\n  ")}
FROM levels;

CREATE OR REPLACE TEMP TABLE label_touches AS
WITH candidates AS (
    ${candidates.join("\n    UNION ALL\n    ")}
), resolved AS (
  SELECT c.g, c.barrier,
         c.first_block * ${TOUCH_BLOCK} + CASE WHEN c.is_up THEN ${within("high", ">=")} ELSE ${within("low", "<=")} END AS bars_to_touch
  FROM candidates c
  JOIN label_next_bars n ON n.g = c.g + c.first_block * ${TOUCH_BLOCK}
)
SELECT g,
  ${barriers.map((b) => `min(bars_to_touch) FILTER (WHERE barrier = ${sql.literal(b.name)}) AS ${b.name}`).join(",\n  ")}
FROM resolved
GROUP BY g;
`;
}

/** Statement building `label_events`: per bar read and mode, the label and bars held (NULL when incomplete). */
export function labelEventsSql(): string {
  const perMode = LABEL_MODES.map((m) => {
    const profit = `t.${profitBarrier(m).name}`;
    const stop = `t.${stopBarrier(m).name}`;
    const complete = `complete_${m.set.name}`;
    return `
       -- ${m.mode}: both barriers in one bar count as the stop
       CASE WHEN NOT ${complete} THEN NULL
            WHEN ${stop} IS NOT NULL AND (${profit} IS NULL OR ${stop} <= ${profit}) THEN -1
            WHEN ${profit} IS NOT NULL THEN 1 ELSE 0 END AS ${m.mode},
       CASE WHEN ${complete} THEN coalesce(least(${profit}, ${stop}), ${m.set.horizon}) END AS ${m.mode}_held`;
  });
  const completeness = BARRIER_SETS.map((s) => `coalesce(b.bars_after >= ${s.horizon} AND b.sigma > 0, false) AS complete_${s.name}`);
  return `
CREATE OR REPLACE TEMP TABLE label_events AS
WITH flagged AS (
  SELECT b.g, b.root, b.ts, b.in_month, b.log_close, b.adjusted_close, ${completeness.join(", ")}
  FROM label_bars b
)
SELECT b.*, ${perMode.join(",")}
FROM flagged b
LEFT JOIN label_touches t ON t.g = b.g;
`;
}
