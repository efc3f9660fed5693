/**
 * SQL of `market/labels`: triple-barrier labels (AFML ch. 3) in six modes.
 * The label of bar t looks *forward* h bars by definition: it is a target,
 * never a feature. Prices are back-adjusted over the data this step reads,
 * so barrier distances (log ratios) match the features'.
 *
 * Finding the first touch without comparing every bar with its next 240:
 * the extreme of each following block of 15 bars is one window aggregate
 * shifted by `lead`, which tells the block of the first touch; only the 15
 * bars of that block are then compared one by one.
 */
import type { SqlConnection } from "../../../core";
import { allBarriers, BARRIER_SETS, LABEL_MODES, profitBarrier, stopBarrier, TOUCH_BLOCK, type Barrier } from "./label-modes";

const LONGEST_HORIZON = Math.max(...BARRIER_SETS.map((s) => s.horizon));
const LOOK_AHEAD_DAYS = 5;
const BLOCKS = LONGEST_HORIZON / TOUCH_BLOCK;

function blockLeads(): string {
  const leads: string[] = [];
  for (let i = 0; i < BLOCKS; i++) {
    leads.push(`lead(block_high, ${i * TOUCH_BLOCK}) OVER by_root AS block_high_${i}`, `lead(block_low, ${i * TOUCH_BLOCK}) OVER by_root AS block_low_${i}`);
  }
  return leads.join(",\n       ");
}

/** The log price level of a barrier for bar t. */
function level(barrier: Barrier): string {
  const distance = `${barrier.width} * sigma * sqrt(${barrier.horizon})`;
  return barrier.side === "up" ? `log_close + ${distance}` : `log_close - ${distance}`;
}

/** Index of the first block (within the horizon) whose extreme reaches the barrier, else NULL. */
function firstBlock(barrier: Barrier): string {
  const whens: string[] = [];
  for (let i = 0; i < barrier.horizon / TOUCH_BLOCK; i++) {
    whens.push(barrier.side === "up" ? `WHEN block_high_${i} >= ${level(barrier)} THEN ${i}` : `WHEN block_low_${i} <= ${level(barrier)} THEN ${i}`);
  }
  return `CASE ${whens.join(" ")} END`;
}

/** Statements building `label_bars` (every bar read) and `label_touches` (first touch of each barrier). */
export function labelTouchesSql(sql: SqlConnection, window: { start: Date; end: Date }): string {
  const start = sql.literal(window.start.toISOString());
  const end = sql.literal(window.end.toISOString());
  // The longest horizon is 240 bars: five days of the next month always hold them, even over a weekend and a holiday.
  const lookAheadUntil = sql.literal(new Date(window.end.getTime() + LOOK_AHEAD_DAYS * 86_400_000).toISOString());
  const barriers = allBarriers();
  const candidates = barriers.map(
    (b) => `SELECT g, ${sql.literal(b.name)} AS barrier, ${b.side === "up"} AS is_up, ${level(b)} AS level, ${firstBlock(b)} AS first_block
    FROM label_bars WHERE in_month AND sigma > 0`,
  );
  return `
CREATE OR REPLACE TEMP TABLE label_bars AS
WITH adjusted AS (
  -- ratio back-adjustment, as in features: scaled by every later roll ratio
  SELECT root, ts, high, low, close,
         exp(sum(ln(coalesce(roll_ratio, 1))) OVER (PARTITION BY root)
             - sum(ln(coalesce(roll_ratio, 1))) OVER (PARTITION BY root ORDER BY ts ROWS UNBOUNDED PRECEDING)) AS adjust
  FROM front_month_bars
  WHERE ts >= ${start}::TIMESTAMP AND ts < ${lookAheadUntil}::TIMESTAMP
), logs AS (
  SELECT a.root, a.ts,
         row_number() OVER (ORDER BY a.root, a.ts) AS g,
         count(*) OVER (PARTITION BY a.root) - row_number() OVER by_root AS bars_after,
         ln(a.close * a.adjust) AS log_close, ln(a.high * a.adjust) AS log_high, ln(a.low * a.adjust) AS log_low,
         ln(a.close * a.adjust) - ln(lag(a.close * a.adjust) OVER by_root) AS r,
         f.rv_60 AS sigma,
         a.ts >= ${start}::TIMESTAMP AND a.ts < ${end}::TIMESTAMP AS in_month
  FROM adjusted a
  LEFT JOIN features f ON f.root = a.root AND f.ts = a.ts
  WINDOW by_root AS (PARTITION BY a.root ORDER BY a.ts)
), blocks AS (
  SELECT *, max(log_high) OVER next_block AS block_high, min(log_low) OVER next_block AS block_low
  FROM logs
  WINDOW next_block AS (PARTITION BY root ORDER BY ts ROWS BETWEEN 1 FOLLOWING AND ${TOUCH_BLOCK} FOLLOWING)
)
SELECT *,
       ${blockLeads()}
FROM blocks
WINDOW by_root AS (PARTITION BY root ORDER BY ts);

CREATE OR REPLACE TEMP TABLE label_touches AS
WITH candidates AS (
  SELECT * FROM (
    ${candidates.join("\n    UNION ALL\n    ")}
  ) WHERE first_block IS NOT NULL
)
SELECT c.g,
       ${barriers.map((b) => `min(c.first_block * ${TOUCH_BLOCK} + k.d) FILTER (WHERE c.barrier = ${sql.literal(b.name)}) AS ${b.name}`).join(",\n       ")}
FROM candidates c
CROSS JOIN range(1, ${TOUCH_BLOCK + 1}) k(d)
JOIN label_bars j ON j.g = c.g + c.first_block * ${TOUCH_BLOCK} + k.d
WHERE CASE WHEN c.is_up THEN j.log_high >= c.level ELSE j.log_low <= c.level END
GROUP BY c.g;
`;
}

/** Statement building `label_events`: per in-month bar and mode, the label and bars held (NULL when incomplete). */
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
  SELECT b.g, b.root, b.ts, b.log_close, ${completeness.join(", ")}
  FROM label_bars b WHERE b.in_month
)
SELECT b.*, ${perMode.join(",")}
FROM flagged b
LEFT JOIN label_touches t ON t.g = b.g;
`;
}
