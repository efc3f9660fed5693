/**
 * SQL of `market/features`: the bars the features kernel (../feature-kernel.ts)
 * scans, and the features table over its output. Every feature of bar t
 * reads only the n bars ending at t of its root: no look-ahead.
 *
 * SQL does what is set-based — the read with each root's warm-up, the
 * per-root scale and back-adjustment, the one sort by (root, ts), and the
 * logarithms (ln of price ratios, as DuckDB computes them) — and the
 * kernel the ~40 rolling windows over the sorted bars, which in SQL took
 * 40 layers of streaming lags (one thread per chain) and a second sort.
 */
import type { SqlConnection } from "materia";
import { SESSION_MINUTES } from "../layout";
import { adjustmentOf, rollAdjustments, rollJoin } from "./back-adjustment";

export const FEATURE_NAMES = [
  "ret_1", "ret_5", "ret_15", "ret_30", "ret_60", "ret_240",
  "rv_15", "rv_30", "rv_60", "rv_240",
  "parkinson_30", "parkinson_240", "garman_klass_30", "garman_klass_240",
  "atr_pct_14", "atr_pct_60", "rsi_14", "rsi_60",
  "macd", "macd_signal", "macd_hist",
  "bb_pctb_20", "bb_pctb_60", "bb_width_20",
  "zscore_20", "zscore_60", "zscore_240",
  "sma_ratio_50", "sma_ratio_200",
  "volume_z_20", "volume_z_60", "volume_z_240",
  "vwap_dist_30", "vwap_dist_240", "session_vwap_dist",
  "stoch_k_60", "stoch_k_240",
  "bar_range", "close_location", "autocorr_60",
  "tod_sin", "tod_cos", "minutes_to_close",
] as const;

/** Days before the month the warm-up reads from. */
export const FEATURE_WARM_UP_DAYS = 5;
/**
 * Bars of each root read before the first bar computed: the longest window is
 * 240 bars (+1 for returns), the MACD signal needs 26 + 8. Reading exactly
 * these instead of whole days keeps the streaming layers to the month's rows.
 */
export const FEATURE_WARM_UP_BARS = 300;

/** The features computed in the output query: they need no window (the kernel computes the others). */
export const TIME_OF_DAY_FEATURES = ["tod_sin", "tod_cos", "minutes_to_close"] as const;

/** Lags of the close the kernel gets as log returns: ret_k = ln(C_t / C_{t−k}). */
export const RETURN_LAGS = [5, 15, 30, 60, 240] as const;

/** Statement building `feature_roots` and `feature_symbols`: small integers standing in for the text in the kernel. */
export function featureKeysSql(source: string): string {
  return `
CREATE OR REPLACE TEMP TABLE feature_roots AS SELECT root, row_number() OVER (ORDER BY root)::INTEGER AS root_id FROM (SELECT DISTINCT root FROM ${source});
CREATE OR REPLACE TEMP TABLE feature_symbols AS SELECT symbol, row_number() OVER (ORDER BY symbol)::INTEGER AS symbol_id FROM (SELECT DISTINCT symbol FROM ${source});`;
}

/**
 * The kernel's input: the bars of `source` (a view of front-month bars)
 * whose ts is in [start, end) plus each root's warm-up, in (root, ts) order,
 * numbered per root (`bar_index`, from 1), prices scaled and back-adjusted,
 * with the one-bar log returns and the k-bar ones as ln of the ratio of
 * closes. Rows of the previous root sit right before a root's first bar:
 * the kernel guards every window with bar_index.
 */
export function featureKernelInputSql(sql: SqlConnection, source: string, window: { start: Date; end: Date }): string {
  const start = sql.literal(window.start.toISOString());
  const end = sql.literal(window.end.toISOString());
  // Warm-up: the longest window is 240 bars (+1 for returns, +8 for the MACD signal) and a session is
  // 1,380 bars, so five days before the month always suffice, even over a weekend and a holiday.
  const warmUpFrom = sql.literal(new Date(window.start.getTime() - FEATURE_WARM_UP_DAYS * 86_400_000).toISOString());
  return `
WITH bars_read AS (
  SELECT * FROM ${source} WHERE ts >= ${start}::TIMESTAMP AND ts < ${end}::TIMESTAMP
  UNION ALL
  -- warm-up: each root's last ${FEATURE_WARM_UP_BARS} bars before the window, so every window is full from its first bar
  SELECT * FROM ${source} WHERE ts >= ${warmUpFrom}::TIMESTAMP AND ts < ${start}::TIMESTAMP
  QUALIFY row_number() OVER (PARTITION BY root ORDER BY ts DESC) <= ${FEATURE_WARM_UP_BARS}
), scales AS (
  -- every feature is a ratio of prices of one root: dividing by a per-root constant keeps every root's terms near 1.
  -- A power of two scales exactly, and does not change with the order a parallel avg() adds in, so
  -- the same bars always give the same bytes (the data version)
  SELECT root, 2 ^ round(log2(avg(close))) AS scale FROM bars_read GROUP BY root
), ${rollAdjustments("bars_read")}, sorted AS (
  -- the one sort: the lags below and the kernel's windows stream over rows in (root, ts) order
  SELECT k.root_id, b.ts, y.symbol_id, b.session_date, b.session_minute, b.volume::DOUBLE AS v,
         b.ts >= ${start}::TIMESTAMP AND b.ts < ${end}::TIMESTAMP AS in_window,
         -- 35 session VWAP (front_month_bars): a session's bars share one back-adjustment, which cancels in C / VWAP
         b.close / nullif(b.session_vwap, 0) - 1 AS session_vwap_dist,
         b.open / s.scale AS open, b.high / s.scale AS high, b.low / s.scale AS low, b.close / s.scale AS close,
         ${adjustmentOf()} AS adjust
  FROM bars_read b
  JOIN scales s ON s.root = b.root
  JOIN feature_roots k ON k.root = b.root
  JOIN feature_symbols y ON y.symbol = b.symbol
  ${rollJoin("b")}
  ORDER BY b.root, b.ts
), numbered AS (
  SELECT *,
    row_number() OVER () AS row_index,
    root_id IS DISTINCT FROM lag(root_id) OVER () AS new_root
  FROM sorted
), bars AS (
  SELECT root_id, ts, symbol_id, session_date, session_minute, in_window, session_vwap_dist, v,
         row_index - max(CASE WHEN new_root THEN row_index END) OVER (ROWS UNBOUNDED PRECEDING) + 1 AS bar_index,
         open * adjust AS o, high * adjust AS h, low * adjust AS l, close * adjust AS c
  FROM numbered
)
-- rows leave the streaming windows in (root, ts) order (the kernel checks that it reads them so): no second sort
SELECT root_id, ts, symbol_id, session_date, session_minute, in_window, bar_index::INTEGER AS bar_index,
  o, h, l, c, v, session_vwap_dist,
  ln(c / lag(c) OVER ()) AS r,
  ln(h / l) AS log_hl,
  ln(c / o) AS log_co,
  ${RETURN_LAGS.map((k) => `ln(c / lag(c, ${k}) OVER ()) AS ret_${k}`).join(",\n  ")}
FROM bars`;
}

/**
 * The features table over the kernel's output (`table`): roots and symbols
 * back as text, and the time of day, which needs no window. The kernel
 * returns the month's rows in (root, ts) order and its output is scanned on
 * one thread, the few roots and symbols the build sides of the joins: no sort.
 */
export function featuresOutputSql(table: string): string {
  const timeOfDay: Record<(typeof TIME_OF_DAY_FEATURES)[number], string> = {
    // 41–43 time of day within the 23-hour Globex session
    tod_sin: `sin(2 * pi() * k.session_minute / ${SESSION_MINUTES})`,
    tod_cos: `cos(2 * pi() * k.session_minute / ${SESSION_MINUTES})`,
    minutes_to_close: `${SESSION_MINUTES} - k.session_minute`,
  };
  return `
SELECT r.root, k.ts, y.symbol, k.session_date,
  ${FEATURE_NAMES.map((name) => (name in timeOfDay ? `${timeOfDay[name as keyof typeof timeOfDay]} AS ${name}` : `k.${name}`)).join(",\n  ")}
FROM ${table} k
JOIN feature_roots r ON r.root_id = k.root_id
JOIN feature_symbols y ON y.symbol_id = k.symbol_id`;
}
