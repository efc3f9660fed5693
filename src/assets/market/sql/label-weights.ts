/**
 * Sample weights of the labels (AFML 4.1–4.2 and 4.10), per mode:
 * c_u = how many complete labels span bar u (a label spans (t, t1]),
 * uniqueness = mean of 1/c_u over its span, and weight = |Σ r_u / c_u| over
 * its span, normalised to mean 1 within the partition. Running sums turn
 * both into differences of two lookups.
 */
import { BARRIER_SETS, LABEL_MODES } from "./label-modes";

export function labelRunningSumsSql(): string {
  const spans = LABEL_MODES.map(
    (m) => `SELECT g + 1 AS g, '${m.mode}' AS mode, 1 AS delta FROM label_events WHERE ${m.mode}_held IS NOT NULL
    UNION ALL SELECT g + ${m.mode}_held + 1, '${m.mode}', -1 FROM label_events WHERE ${m.mode}_held IS NOT NULL`,
  );
  return `
CREATE OR REPLACE TEMP TABLE label_running AS
WITH deltas AS (
  SELECT g, ${LABEL_MODES.map((m) => `sum(delta) FILTER (WHERE mode = '${m.mode}') AS ${m.mode}_delta`).join(", ")}
  FROM (
    ${spans.join("\n    UNION ALL ")}
  )
  GROUP BY g
), concurrency AS (
  SELECT b.g, b.root, b.ts, b.log_close, coalesce(b.r, 0) AS r,
         ${LABEL_MODES.map((m) => `sum(coalesce(d.${m.mode}_delta, 0)) OVER to_g AS ${m.mode}_c`).join(",\n         ")}
  FROM label_bars b LEFT JOIN deltas d ON d.g = b.g
  WINDOW to_g AS (PARTITION BY b.root ORDER BY b.g ROWS UNBOUNDED PRECEDING)
)
SELECT g, ts, log_close,
       ${LABEL_MODES.map((m) => `sum(CASE WHEN ${m.mode}_c > 0 THEN 1.0 / ${m.mode}_c ELSE 0 END) OVER to_g AS ${m.mode}_inverse_c,
       sum(CASE WHEN ${m.mode}_c > 0 THEN r / ${m.mode}_c ELSE 0 END) OVER to_g AS ${m.mode}_attributed`).join(",\n       ")}
FROM concurrency
WINDOW to_g AS (PARTITION BY root ORDER BY g ROWS UNBOUNDED PRECEDING);
`;
}

/** The wide result: per root and bar, each mode's label, end time, return, uniqueness and weight. */
export function labelsSelectSql(): string {
  const columns = LABEL_MODES.map((m) => {
    const end = `${m.mode}_end`;
    const attributed = `abs(${end}.${m.mode}_attributed - here.${m.mode}_attributed)`;
    return `e.${m.mode}::TINYINT AS ${m.mode},
  ${end}.ts AS ${m.mode}_t1,
  ${m.direction} * (${end}.log_close - e.log_close) AS ${m.mode}_ret,
  (${end}.${m.mode}_inverse_c - here.${m.mode}_inverse_c) / e.${m.mode}_held AS ${m.mode}_uniqueness,
  ${attributed} / nullif(avg(${attributed}) OVER (), 0) AS ${m.mode}_weight`;
  });
  const joins = LABEL_MODES.map((m) => `LEFT JOIN label_running ${m.mode}_end ON ${m.mode}_end.g = e.g + e.${m.mode}_held`);
  return `
SELECT e.root, e.ts, ${BARRIER_SETS.map((s) => `e.complete_${s.name}`).join(", ")},
  ${columns.join(",\n  ")}
FROM label_events e
JOIN label_running here ON here.g = e.g
${joins.join("\n")}
ORDER BY e.root, e.ts`;
}
