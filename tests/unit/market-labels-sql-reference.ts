/**
 * The labels' first-touch search and concurrency weights as they were in
 * SQL before the kernel (src/assets/market/label-kernel.ts) replaced them:
 * the reference the kernel is compared with. It reads `label_bars` — the
 * kernel's input rows as a table — and builds the same columns.
 */
import type { SqlConnection } from "materia";
import { allBarriers, BARRIER_SETS, LABEL_MODES, labelSpans, profitBarrier, stopBarrier, TOUCH_BLOCK, type Barrier } from "../../src/assets/market/sql/label-modes";

const LONGEST_HORIZON = Math.max(...BARRIER_SETS.map((s) => s.horizon));
const BLOCKS = LONGEST_HORIZON / TOUCH_BLOCK;
/** Forward extremes over 8 bars; two overlapping ones cover a block of 15. */
const SPAN_LEVELS = 3;

function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => i + from);
}

/** The 15 bars after each bar: a block starting right after it, for resolving a touch inside that block. */
export function labelNextBarsSql(): string {
  return `
CREATE OR REPLACE TEMP TABLE label_next_bars AS
SELECT g,
  ${range(TOUCH_BLOCK, 1)
    .flatMap((d) => [`lead(log_high, ${d}) OVER (ORDER BY g) AS high_${d}`, `lead(log_low, ${d}) OVER (ORDER BY g) AS low_${d}`])
    .join(",\n  ")}
FROM label_bars;
`;
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

/**
 * Attributed returns as decimals for an exact mean: 24 digits after the
 * point keep 14 significant digits down to 1e-10, and 14 before it hold a
 * partition's sum.
 */
const EXACT_SUM_DECIMAL = "DECIMAL(38, 24)";

/** Spans computed once each (long and short scalp share one); `held` is any of its modes' bars held. */
const SPANS = labelSpans().map((span) => ({ name: span.name, modes: span.modes, held: `${span.modes[0]!.mode}_held` }));

/** Statements building `label_running`: per bar read, each mode's running sums. */
export function labelRunningSumsSql(): string {
  const ends = SPANS.map((s) => `SELECT g + ${s.held} + 1 AS g, '${s.name}' AS span FROM label_events WHERE ${s.held} IS NOT NULL`);
  return `
CREATE OR REPLACE TEMP TABLE label_span_ends AS
SELECT g, ${SPANS.map((s) => `count(*) FILTER (WHERE span = '${s.name}') AS ${s.name}_ends`).join(", ")}
FROM (
  ${ends.join("\n  UNION ALL ")}
)
GROUP BY g;

CREATE OR REPLACE TEMP TABLE label_running AS
WITH returns AS (
  SELECT g, ts, adjusted_close, ln(adjusted_close / lag(adjusted_close) OVER ()) AS r FROM label_bars
), opened_and_ended AS (
  -- the joins do not keep the row order the running sums need: sort by g again
  SELECT r.*,
    ${SPANS.map((s) => `(e.${s.held} IS NOT NULL)::INTEGER AS ${s.name}_opens, coalesce(x.${s.name}_ends, 0) AS ${s.name}_ends`).join(",\n    ")}
  FROM returns r
  LEFT JOIN label_events e ON e.g = r.g
  LEFT JOIN label_span_ends x ON x.g = r.g
  ORDER BY r.g
), deltas AS (
  SELECT *, ${SPANS.map((s) => `coalesce(lag(${s.name}_opens) OVER (), 0) - ${s.name}_ends AS ${s.name}_delta`).join(", ")}
  FROM opened_and_ended
), concurrency AS (
  SELECT *, ${SPANS.map((s) => `sum(${s.name}_delta) OVER (ROWS UNBOUNDED PRECEDING) AS ${s.name}_c`).join(", ")}
  FROM deltas
)
SELECT g, ts, adjusted_close,
  ${SPANS.map(
    (s) => `sum(CASE WHEN ${s.name}_c > 0 THEN 1.0 / ${s.name}_c ELSE 0 END) OVER (ROWS UNBOUNDED PRECEDING) AS ${s.name}_inverse_c,
  sum(CASE WHEN ${s.name}_c > 0 THEN r / ${s.name}_c ELSE 0 END) OVER (ROWS UNBOUNDED PRECEDING) AS ${s.name}_attributed`,
  ).join(",\n  ")}
FROM concurrency;
`;
}

/**
 * The wide result: per root and bar, each mode's label, end time, return,
 * uniqueness and weight. A span's end row is fetched by an equality join on
 * g + held (g numbers the bars densely): profiled at 0.04 s a span, where a
 * variable-offset lead over a window ordered by g cost 0.55 s for all five.
 */
export function labelsSelectSql(): string {
  const atEnd = SPANS.map(
    (s) =>
      `end_${s.name}.ts AS ${s.name}_end_ts, end_${s.name}.adjusted_close AS ${s.name}_end_adjusted_close, ` +
      `end_${s.name}.${s.name}_inverse_c AS ${s.name}_end_inverse_c, end_${s.name}.${s.name}_attributed AS ${s.name}_end_attributed`,
  );
  const endJoins = SPANS.map((s) => `LEFT JOIN label_running end_${s.name} ON end_${s.name}.g = e.g + e.${s.held}`);
  const columns = SPANS.flatMap((s) =>
    s.modes.map(
      (m) => `${m.mode}::TINYINT AS ${m.mode},
  ${s.name}_end_ts AS ${m.mode}_t1,
  ${m.direction} * ln(${s.name}_end_adjusted_close / adjusted_close) AS ${m.mode}_ret,
  (${s.name}_end_inverse_c - ${s.name}_inverse_c) / ${s.held} AS ${m.mode}_uniqueness,
  ${s.name}_attributed_abs / nullif(m.${s.name}_mean, 0) AS ${m.mode}_weight`,
    ),
  );
  return `
WITH spans AS (
  SELECT e.*, ${SPANS.map((s) => `r.${s.name}_inverse_c, r.${s.name}_attributed`).join(", ")},
    ${atEnd.join(",\n    ")}
  FROM label_events e
  JOIN label_running r ON r.g = e.g
  ${endJoins.join("\n  ")}
  WHERE e.in_month
), attributed AS (
  SELECT *, ${SPANS.map((s) => `abs(${s.name}_end_attributed - ${s.name}_attributed) AS ${s.name}_attributed_abs`).join(", ")}
  FROM spans
), means AS (
  -- weights are normalised to mean 1 within the partition; the sums are exact (fixed-point decimals), so
  -- the order a parallel aggregate adds in cannot change a weight's last bits (the data version)
  SELECT ${SPANS.map((s) => `avg(${s.name}_attributed_abs::${EXACT_SUM_DECIMAL})::DOUBLE AS ${s.name}_mean`).join(", ")} FROM attributed
)
SELECT root, ts, ${BARRIER_SETS.map((s) => `complete_${s.name}`).join(", ")},
  ${columns.join(",\n  ")}
FROM attributed CROSS JOIN means m
ORDER BY g`;
}
