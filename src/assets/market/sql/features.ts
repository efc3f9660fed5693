/**
 * SQL of `market/features`: 43 features per root and bar on ratio
 * back-adjusted prices. Every window is "the n bars ending at t" of one root,
 * so a bar's features read only bars at or before it: no look-ahead.
 *
 * Speed: all windows share one PARTITION BY root ORDER BY ts, so DuckDB sorts
 * once per layer; frames are ROWS frames (segment trees, no peers).
 */
import type { SqlConnection } from "../../../core";
import { SESSION_MINUTES } from "../layout";

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

const WARM_UP_DAYS = 5;
const WINDOW_SIZES = [9, 12, 14, 15, 20, 26, 30, 50, 60, 200, 240];

function windows(): string {
  const frames = WINDOW_SIZES.map((n) => `w${n} AS (PARTITION BY root ORDER BY ts ROWS BETWEEN ${n - 1} PRECEDING AND CURRENT ROW)`);
  return [...frames, "by_root AS (PARTITION BY root ORDER BY ts)"].join(",\n  ");
}

/** `expr` once the window of n bars is full; `needsPrevious` when the bars' values need C_{t−1} too. */
function full(n: number, expr: string, needsPrevious = false): string {
  return `CASE WHEN bar_index >= ${needsPrevious ? n + 1 : n} THEN ${expr} END`;
}

/** Features of the bars of `source` (a view of front-month bars) whose ts is in [start, end). */
export function featuresSql(sql: SqlConnection, source: string, window: { start: Date; end: Date }): string {
  const start = sql.literal(window.start.toISOString());
  const end = sql.literal(window.end.toISOString());
  // Warm-up: the longest window is 240 bars (+1 for returns, +8 for the MACD signal) and a session is
  // 1,380 bars, so five days before the month always suffice, even over a weekend and a holiday.
  const warmUpFrom = sql.literal(new Date(window.start.getTime() - WARM_UP_DAYS * 86_400_000).toISOString());
  return `
WITH adjusted AS (
  -- ratio back-adjustment: a bar is scaled by the product of the roll ratios of every later roll
  SELECT *, open * adjust AS o, high * adjust AS h, low * adjust AS l, close * adjust AS c
  FROM (
    SELECT root, ts, symbol, session_date, session_minute, volume::DOUBLE AS v, open, high, low, close,
           exp(sum(ln(coalesce(roll_ratio, 1))) OVER (PARTITION BY root)
               - sum(ln(coalesce(roll_ratio, 1))) OVER (PARTITION BY root ORDER BY ts ROWS UNBOUNDED PRECEDING)) AS adjust
    FROM ${source}
    WHERE ts >= ${warmUpFrom}::TIMESTAMP
  )
), bar_terms AS (
  SELECT *,
    row_number() OVER by_root AS bar_index,
    lag(c) OVER by_root AS c_prev,
    ln(c / lag(c) OVER by_root) AS r,
    greatest(h - l, abs(h - lag(c) OVER by_root), abs(l - lag(c) OVER by_root)) AS true_range,
    greatest(c - lag(c) OVER by_root, 0) AS gain,
    greatest(lag(c) OVER by_root - c, 0) AS loss,
    ln(h / l) ^ 2 AS log_hl_sq,
    0.5 * ln(h / l) ^ 2 - (2 * ln(2) - 1) * ln(c / o) ^ 2 AS garman_klass_term,
    (h + l + c) / 3 * v AS typical_value,
    ln(lag(c) OVER by_root / lag(c, 2) OVER by_root) AS r_prev,
    c / lag(c, 5) OVER by_root AS c_ratio_5,
    c / lag(c, 15) OVER by_root AS c_ratio_15,
    c / lag(c, 30) OVER by_root AS c_ratio_30,
    c / lag(c, 60) OVER by_root AS c_ratio_60,
    c / lag(c, 240) OVER by_root AS c_ratio_240
  FROM adjusted
  WINDOW ${windows()}
), window_stats AS (
  SELECT *,
    avg(c) OVER w12 AS sma_12, avg(c) OVER w26 AS sma_26, avg(c) OVER w20 AS sma_20, avg(c) OVER w50 AS sma_50,
    avg(c) OVER w60 AS sma_60, avg(c) OVER w200 AS sma_200, avg(c) OVER w240 AS sma_240,
    stddev_samp(c) OVER w20 AS sd_20, stddev_samp(c) OVER w60 AS sd_60, stddev_samp(c) OVER w240 AS sd_240,
    stddev_samp(r) OVER w15 AS sd_r_15, stddev_samp(r) OVER w30 AS sd_r_30, stddev_samp(r) OVER w60 AS sd_r_60, stddev_samp(r) OVER w240 AS sd_r_240,
    avg(log_hl_sq) OVER w30 AS hl_30, avg(log_hl_sq) OVER w240 AS hl_240,
    avg(garman_klass_term) OVER w30 AS gk_30, avg(garman_klass_term) OVER w240 AS gk_240,
    avg(true_range) OVER w14 AS atr_14, avg(true_range) OVER w60 AS atr_60,
    avg(gain) OVER w14 AS gain_14, avg(loss) OVER w14 AS loss_14, avg(gain) OVER w60 AS gain_60, avg(loss) OVER w60 AS loss_60,
    corr(r, r_prev) OVER w60 AS autocorr_raw,
    avg(v) OVER w20 AS v_avg_20, avg(v) OVER w60 AS v_avg_60, avg(v) OVER w240 AS v_avg_240,
    stddev_samp(v) OVER w20 AS v_sd_20, stddev_samp(v) OVER w60 AS v_sd_60, stddev_samp(v) OVER w240 AS v_sd_240,
    sum(typical_value) OVER w30 / nullif(sum(v) OVER w30, 0) AS vwap_30,
    sum(typical_value) OVER w240 / nullif(sum(v) OVER w240, 0) AS vwap_240,
    sum(typical_value) OVER session_to_t / nullif(sum(v) OVER session_to_t, 0) AS session_vwap,
    min(l) OVER w60 AS low_60, max(h) OVER w60 AS high_60, min(l) OVER w240 AS low_240, max(h) OVER w240 AS high_240
  FROM bar_terms
  WINDOW ${windows()},
  session_to_t AS (PARTITION BY root, session_date ORDER BY ts ROWS UNBOUNDED PRECEDING)
), with_macd AS (
  -- one window aggregate fewer each: the population stddev is the sample one scaled by √((n−1)/n)
  SELECT *,
    ${full(26, "(sma_12 - sma_26) / nullif(c, 0)")} AS macd_value,
    sd_20 * sqrt(19 / 20) AS sd_pop_20,
    sd_60 * sqrt(59 / 60) AS sd_pop_60
  FROM window_stats
), with_signal AS (
  SELECT *, ${full(34, "avg(macd_value) OVER w9")} AS macd_signal_value
  FROM with_macd
  WINDOW ${windows()}
)
SELECT
  root, ts, symbol, session_date,
  -- 1–6 log returns over k bars
  ${full(1, "ln(c / c_prev)", true)} AS ret_1,
  ${full(5, "ln(c_ratio_5)", true)} AS ret_5,
  ${full(15, "ln(c_ratio_15)", true)} AS ret_15,
  ${full(30, "ln(c_ratio_30)", true)} AS ret_30,
  ${full(60, "ln(c_ratio_60)", true)} AS ret_60,
  ${full(240, "ln(c_ratio_240)", true)} AS ret_240,
  -- 7–10 realised volatility: sample stddev of one-bar log returns
  ${full(15, "sd_r_15", true)} AS rv_15,
  ${full(30, "sd_r_30", true)} AS rv_30,
  ${full(60, "sd_r_60", true)} AS rv_60,
  ${full(240, "sd_r_240", true)} AS rv_240,
  -- 11–14 range-based volatility (Parkinson, Garman–Klass)
  ${full(30, "sqrt(hl_30 / (4 * ln(2)))")} AS parkinson_30,
  ${full(240, "sqrt(hl_240 / (4 * ln(2)))")} AS parkinson_240,
  ${full(30, "CASE WHEN gk_30 >= 0 THEN sqrt(gk_30) END")} AS garman_klass_30,
  ${full(240, "CASE WHEN gk_240 >= 0 THEN sqrt(gk_240) END")} AS garman_klass_240,
  -- 15–16 average true range relative to the close
  ${full(14, "atr_14 / nullif(c, 0)", true)} AS atr_pct_14,
  ${full(60, "atr_60 / nullif(c, 0)", true)} AS atr_pct_60,
  -- 17–18 RSI on simple averages: 100 when there are only gains, 50 when flat
  ${full(14, "CASE WHEN loss_14 = 0 THEN CASE WHEN gain_14 > 0 THEN 100.0 ELSE 50.0 END ELSE 100 - 100 / (1 + gain_14 / loss_14) END", true)} AS rsi_14,
  ${full(60, "CASE WHEN loss_60 = 0 THEN CASE WHEN gain_60 > 0 THEN 100.0 ELSE 50.0 END ELSE 100 - 100 / (1 + gain_60 / loss_60) END", true)} AS rsi_60,
  -- 19–21 MACD on simple moving averages, relative to the close
  macd_value AS macd,
  macd_signal_value AS macd_signal,
  macd_value - macd_signal_value AS macd_hist,
  -- 22–24 Bollinger %b and width (population stddev)
  ${full(20, "(c - (sma_20 - 2 * sd_pop_20)) / nullif(4 * sd_pop_20, 0)")} AS bb_pctb_20,
  ${full(60, "(c - (sma_60 - 2 * sd_pop_60)) / nullif(4 * sd_pop_60, 0)")} AS bb_pctb_60,
  ${full(20, "4 * sd_pop_20 / nullif(sma_20, 0)")} AS bb_width_20,
  -- 25–29 distance from moving averages
  ${full(20, "(c - sma_20) / nullif(sd_20, 0)")} AS zscore_20,
  ${full(60, "(c - sma_60) / nullif(sd_60, 0)")} AS zscore_60,
  ${full(240, "(c - sma_240) / nullif(sd_240, 0)")} AS zscore_240,
  ${full(50, "c / nullif(sma_50, 0) - 1")} AS sma_ratio_50,
  ${full(200, "c / nullif(sma_200, 0) - 1")} AS sma_ratio_200,
  -- 30–32 volume z-scores
  ${full(20, "(v - v_avg_20) / nullif(v_sd_20, 0)")} AS volume_z_20,
  ${full(60, "(v - v_avg_60) / nullif(v_sd_60, 0)")} AS volume_z_60,
  ${full(240, "(v - v_avg_240) / nullif(v_sd_240, 0)")} AS volume_z_240,
  -- 33–35 distance from VWAP of typical price (rolling, and since the session opened)
  ${full(30, "c / nullif(vwap_30, 0) - 1")} AS vwap_dist_30,
  ${full(240, "c / nullif(vwap_240, 0) - 1")} AS vwap_dist_240,
  c / nullif(session_vwap, 0) - 1 AS session_vwap_dist,
  -- 36–37 stochastic %K
  ${full(60, "(c - low_60) / nullif(high_60 - low_60, 0)")} AS stoch_k_60,
  ${full(240, "(c - low_240) / nullif(high_240 - low_240, 0)")} AS stoch_k_240,
  -- 38–39 the bar itself
  (h - l) / nullif(c, 0) AS bar_range,
  CASE WHEN h = l THEN 0.5 ELSE (c - l) / (h - l) END AS close_location,
  -- 40 lag-1 autocorrelation of returns (needs r_{t−60}'s predecessor: 62 bars)
  CASE WHEN bar_index >= 62 THEN autocorr_raw END AS autocorr_60,
  -- 41–43 time of day within the 23-hour Globex session
  sin(2 * pi() * session_minute / ${SESSION_MINUTES}) AS tod_sin,
  cos(2 * pi() * session_minute / ${SESSION_MINUTES}) AS tod_cos,
  ${SESSION_MINUTES} - session_minute AS minutes_to_close
FROM with_signal
WHERE ts >= ${start}::TIMESTAMP AND ts < ${end}::TIMESTAMP
ORDER BY root, ts`;
}
