/**
 * Ratio back-adjustment of a root's front-month series, shared by the
 * features and the labels. A bar is scaled by exp(−Σ log roll ratios of the
 * root's rolls up to it): the product of the ratios of every later roll
 * times a per-root constant that every ratio of prices cancels.
 *
 * The sum runs PARTITION BY root over the rolls alone (a handful of rows a
 * month), so a root's adjustment depends on its own rolls only — never on
 * another root's — and a bar before a root's first roll is scaled by exactly
 * 1. Each bar then picks its root's latest roll at or before it with a
 * hash join whose build side is that handful of rows, before the one sort.
 * The sum is exact (24 decimal places, far finer than a double's ~1e-17 at
 * these magnitudes), so the running sum over the same rolls is the same
 * double wherever the series starts and however many rolls the window
 * holds, features recomputed on truncated data equal the
 * published ones bit for bit (the no-look-ahead check relies on it).
 */

/** Log roll ratios (|x| < 1) to 24 decimal places: an exact sum of any number of them. */
const EXACT_LOG_SUM = "DECIMAL(38, 24)";

/** CTE `roll_adjustments`: per root and roll, Σ log ratios of the root's rolls up to it, and the next roll's ts. */
export function rollAdjustments(source: string): string {
  return `roll_adjustments AS (
  SELECT root, ts AS roll_ts,
         -- summed exactly (fixed-point decimals): the same rolls give the same double in whatever order a window adds them
         sum(ln(roll_ratio)::${EXACT_LOG_SUM}) OVER (PARTITION BY root ORDER BY ts ROWS UNBOUNDED PRECEDING)::DOUBLE AS log_rolls,
         lead(ts) OVER (PARTITION BY root ORDER BY ts) AS next_roll_ts
  FROM ${source} WHERE roll_ratio IS NOT NULL
)`;
}

/** The join attaching to each bar of `alias` its root's latest roll at or before it (none before the first). */
export function rollJoin(alias: string): string {
  return `LEFT JOIN roll_adjustments ra ON ra.root = ${alias}.root AND ${alias}.ts >= ra.roll_ts AND (ra.next_roll_ts IS NULL OR ${alias}.ts < ra.next_roll_ts)`;
}

/** −Σ log roll ratios up to the bar (0 before the root's first roll). */
export function logAdjustmentOf(): string {
  return "-coalesce(ra.log_rolls, 0)";
}

/** The factor a bar's prices are multiplied by: exactly 1 before the root's first roll. */
export function adjustmentOf(): string {
  return `CASE WHEN ra.log_rolls IS NULL THEN 1.0 ELSE exp(-ra.log_rolls) END`;
}
