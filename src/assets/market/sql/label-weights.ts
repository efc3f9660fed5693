/**
 * Sample weights of the labels (AFML 4.1–4.2 and 4.10), per mode:
 * c_u = how many complete labels span bar u (a label spans (t, t1]) —
 * the month's, and the neighbouring months' labels that label_bars reads
 * (sql/labels.ts) — uniqueness = mean of 1/c_u over its span, and weight =
 * |Σ r_u / c_u| over its span (r_u the log of the ratio of adjusted closes),
 * normalised to mean 1 within the partition.
 *
 * c_u is a running sum of +1 (a label opened at u − 1) and −1 (labels whose
 * span ended at u − 1); running sums of 1/c_u and r_u/c_u turn both weights
 * into a difference between t1 and t, read with a lead by the bars held.
 * Modes with the same two barriers share one span (label-modes.ts).
 * Spans never cross roots, so the sums run over all roots in (root, ts) order.
 */
import { BARRIER_SETS, labelSpans } from "./label-modes";

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
