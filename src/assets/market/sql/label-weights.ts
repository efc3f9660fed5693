/**
 * Sample weights of the labels (AFML 4.1–4.2 and 4.10), per mode:
 * c_u = how many complete labels span bar u (a label spans (t, t1]),
 * uniqueness = mean of 1/c_u over its span, and weight = |Σ r_u / c_u| over
 * its span, normalised to mean 1 within the partition.
 *
 * c_u is a running sum of +1 (a label opened at u − 1) and −1 (labels whose
 * span ended at u − 1); running sums of 1/c_u and r_u/c_u turn both weights
 * into a difference between t1 and t, read with a lead by the bars held.
 * Spans never cross roots, so the sums run over all roots in (root, ts) order.
 */
import { BARRIER_SETS, LABEL_MODES } from "./label-modes";

/** Statements building `label_running`: per bar read, each mode's running sums. */
export function labelRunningSumsSql(): string {
  const ends = LABEL_MODES.map((m) => `SELECT g + ${m.mode}_held + 1 AS g, '${m.mode}' AS mode FROM label_events WHERE ${m.mode}_held IS NOT NULL`);
  return `
CREATE OR REPLACE TEMP TABLE label_span_ends AS
SELECT g, ${LABEL_MODES.map((m) => `count(*) FILTER (WHERE mode = '${m.mode}') AS ${m.mode}_ends`).join(", ")}
FROM (
  ${ends.join("\n  UNION ALL ")}
)
GROUP BY g;

CREATE OR REPLACE TEMP TABLE label_running AS
WITH returns AS (
  SELECT g, ts, log_close, log_close - lag(log_close) OVER () AS r FROM label_bars
), opened_and_ended AS (
  -- the joins do not keep the row order the running sums need: sort by g again
  SELECT r.*,
    ${LABEL_MODES.map((m) => `(e.${m.mode}_held IS NOT NULL)::INTEGER AS ${m.mode}_opens, coalesce(x.${m.mode}_ends, 0) AS ${m.mode}_ends`).join(",\n    ")}
  FROM returns r
  LEFT JOIN label_events e ON e.g = r.g
  LEFT JOIN label_span_ends x ON x.g = r.g
  ORDER BY r.g
), deltas AS (
  SELECT *, ${LABEL_MODES.map((m) => `coalesce(lag(${m.mode}_opens) OVER (), 0) - ${m.mode}_ends AS ${m.mode}_delta`).join(", ")}
  FROM opened_and_ended
), concurrency AS (
  SELECT *, ${LABEL_MODES.map((m) => `sum(${m.mode}_delta) OVER (ROWS UNBOUNDED PRECEDING) AS ${m.mode}_c`).join(", ")}
  FROM deltas
)
SELECT g, ts, log_close,
  ${LABEL_MODES.map(
    (m) => `sum(CASE WHEN ${m.mode}_c > 0 THEN 1.0 / ${m.mode}_c ELSE 0 END) OVER (ROWS UNBOUNDED PRECEDING) AS ${m.mode}_inverse_c,
  sum(CASE WHEN ${m.mode}_c > 0 THEN r / ${m.mode}_c ELSE 0 END) OVER (ROWS UNBOUNDED PRECEDING) AS ${m.mode}_attributed`,
  ).join(",\n  ")}
FROM concurrency;
`;
}

/** The wide result: per root and bar, each mode's label, end time, return, uniqueness and weight. */
export function labelsSelectSql(): string {
  const atEnd = LABEL_MODES.flatMap((m) =>
    ["ts", "log_close", `${m.mode}_inverse_c`, `${m.mode}_attributed`].map((column) => `lead(r.${column}, e.${m.mode}_held) OVER by_g AS ${m.mode}_end_${column.replace(`${m.mode}_`, "")}`),
  );
  const columns = LABEL_MODES.map((m) => {
    const attributed = `abs(${m.mode}_end_attributed - ${m.mode}_attributed)`;
    return `${m.mode}::TINYINT AS ${m.mode},
  ${m.mode}_end_ts AS ${m.mode}_t1,
  ${m.direction} * (${m.mode}_end_log_close - log_close) AS ${m.mode}_ret,
  (${m.mode}_end_inverse_c - ${m.mode}_inverse_c) / ${m.mode}_held AS ${m.mode}_uniqueness,
  ${attributed} / nullif(avg(${attributed}) OVER (), 0) AS ${m.mode}_weight`;
  });
  return `
WITH spans AS (
  SELECT r.*, e.* EXCLUDE (g, ts, log_close),
    ${atEnd.join(",\n    ")}
  FROM label_running r
  LEFT JOIN label_events e ON e.g = r.g
  WINDOW by_g AS (ORDER BY r.g)
)
SELECT root, ts, ${BARRIER_SETS.map((s) => `complete_${s.name}`).join(", ")},
  ${columns.join(",\n  ")}
FROM spans
WHERE root IS NOT NULL
ORDER BY g`;
}
