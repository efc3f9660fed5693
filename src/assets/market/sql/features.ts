/**
 * SQL of `market/features`: 43 features per root and bar on ratio
 * back-adjusted prices. Every window is "the n bars ending at t" of one root,
 * so a bar's features read only bars at or before it: no look-ahead.
 *
 * Speed (measured with EXPLAIN ANALYZE): one sort by (root, ts), then only
 * streaming windows — lags and running sums — as bar-windows.ts explains.
 *
 * One chain over every root, on one thread. Two root groups side by side
 * (a UNION ALL of two chains, then a sort by (root, ts) to interleave them)
 * took ~0.3 s less wall on 2 cores, but that final sort of the 47 wide
 * columns held ~170 MiB more (step alone, fresh process: 650–680 against
 * 460–495 MiB peak) and cost ~0.5 CPU-s more; in the chain the peak RSS
 * went from 0.88–1.15 GiB to 0.69–0.97 (23 runs). A worker running two steps at once
 * gives each one thread anyway, where the groups only added the sort.
 * A kernel doing the same windows by binary lifting over typed arrays was
 * tried too (commit 6b35cf2, reverted): the same bytes, but its input read,
 * loop and one-thread output scan ran one after another, 1.9–2.1 s a month.
 */
import type { SqlConnection } from "materia";
import { SESSION_MINUTES } from "../layout";
import { deepestLevel, level, levelZero, windowExtreme, squared, windowM2, windowSum, type BlockTerm, type ExtremeTerm } from "./bar-windows";
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

/** `expr` once the window of n bars is full; `needsPrevious` when the bars' values need C_{t−1} too. */
function full(n: number, expr: string, needsPrevious = false): string {
  return `CASE WHEN bar_index >= ${needsPrevious ? n + 1 : n} THEN ${expr} END`;
}

/** Per-bar terms summed over windows (bar-windows.ts), each with the longest window it is summed over. */
const SUMMED: readonly BlockTerm[] = [
  { name: "c", value: "c", longest: 240, m2: true },
  // returns need no M2: their mean is tiny next to their spread, so Σr² − (Σr)²/n loses no digits
  { name: "r", value: "r", longest: 240 },
  { name: "r_sq", value: "r * r", longest: 240 },
  { name: "r_prev", value: "r_prev", longest: 60 },
  { name: "r_prev_sq", value: "r_prev * r_prev", longest: 60 },
  { name: "r_cross", value: "r * r_prev", longest: 60 },
  { name: "log_hl_sq", value: "log_hl * log_hl", longest: 240 },
  { name: "gk", value: "0.5 * log_hl * log_hl - (2 * ln(2) - 1) * log_co * log_co", longest: 240 },
  { name: "tr", value: "true_range", longest: 60 },
  { name: "gain", value: "gain", longest: 60 },
  { name: "loss", value: "loss", longest: 60 },
  { name: "v", value: "v", longest: 240 },
  { name: "v_sq", value: "v * v", longest: 240 },
  { name: "tv", value: "typical_value", longest: 240 },
];
const HIGHEST: ExtremeTerm = { name: "hi", value: "h", kind: "max", longest: 240 };
const LOWEST: ExtremeTerm = { name: "lo", value: "l", kind: "min", longest: 240 };
const EXTREMES = [HIGHEST, LOWEST];

function mean(term: string, n: number): string {
  return `${windowSum(term, n)} / ${n}`;
}

/** Sample variance over n bars from the sums of x and x² (for terms whose mean is small next to their spread). */
function sampleVariance(x: string, xSquared: string, n: number): string {
  return `greatest(${windowSum(xSquared, n)} - ${squared(windowSum(x, n))} / ${n}, 0) / ${n - 1}`;
}

function levelLayers(): string {
  const layers: string[] = [];
  for (let k = 1; k <= deepestLevel(SUMMED); k++) {
    layers.push(`level_${k} AS (
  SELECT *,
    ${level(k, SUMMED, EXTREMES)}
  FROM ${k === 1 ? "bar_terms" : `level_${k - 1}`}
)`);
  }
  return layers.join(", ");
}

/** Features of the bars of `source` (a view of front-month bars) whose ts is in [start, end). */
export function featuresSql(sql: SqlConnection, source: string, window: { start: Date; end: Date }): string {
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
  -- the one sort: from here on every window streams over rows in (root, ts) order
  SELECT b.root, b.ts, b.symbol, b.session_date, b.session_minute, b.volume::DOUBLE AS v,
         -- 35 session VWAP (front_month_bars): a session's bars share one back-adjustment, which cancels in C / VWAP
         b.close / nullif(b.session_vwap, 0) - 1 AS session_vwap_dist,
         b.open / s.scale AS open, b.high / s.scale AS high, b.low / s.scale AS low, b.close / s.scale AS close,
         ${adjustmentOf()} AS adjust
  FROM bars_read b JOIN scales s ON s.root = b.root
  ${rollJoin("b")}
  ORDER BY b.root, b.ts
), numbered AS (
  SELECT *,
    row_number() OVER () AS row_index,
    root IS DISTINCT FROM lag(root) OVER () AS new_root
  FROM sorted
), bars AS (
  SELECT root, ts, symbol, session_date, session_minute, session_vwap_dist, v,
         row_index - max(CASE WHEN new_root THEN row_index END) OVER (ROWS UNBOUNDED PRECEDING) + 1 AS bar_index,
         open * adjust AS o, high * adjust AS h, low * adjust AS l, close * adjust AS c
  FROM numbered
), bar_values AS (
  SELECT *,
    lag(c) OVER () AS c_prev,
    ln(c / lag(c) OVER ()) AS r,
    ln(lag(c) OVER () / lag(c, 2) OVER ()) AS r_prev,
    greatest(h - l, abs(h - lag(c) OVER ()), abs(l - lag(c) OVER ())) AS true_range,
    greatest(c - lag(c) OVER (), 0) AS gain,
    greatest(lag(c) OVER () - c, 0) AS loss,
    ln(h / l) AS log_hl,
    ln(c / o) AS log_co,
    (h + l + c) / 3 * v AS typical_value,
    ${[5, 15, 30, 60, 240].map((k) => `c / lag(c, ${k}) OVER () AS c_ratio_${k}`).join(",\n    ")}
  FROM bars
), bar_terms AS (
  SELECT *,
    ${levelZero(SUMMED, EXTREMES)}
  FROM bar_values
), ${levelLayers()}, window_stats AS (
  SELECT *,
    ${[12, 20, 26, 50, 60, 200, 240].map((n) => `${mean("c", n)} AS sma_${n}`).join(",\n    ")},
    ${[20, 60, 240].map((n) => `sqrt(${windowM2("c", n)} / ${n - 1}) AS sd_${n}`).join(",\n    ")},
    ${[15, 30, 60, 240].map((n) => `sqrt(${sampleVariance("r", "r_sq", n)}) AS sd_r_${n}`).join(",\n    ")},
    ${[30, 240].map((n) => `${mean("log_hl_sq", n)} AS hl_${n}, ${mean("gk", n)} AS gk_${n}`).join(",\n    ")},
    ${[14, 60].map((n) => `${mean("tr", n)} AS atr_${n}, ${mean("gain", n)} AS gain_${n}, ${mean("loss", n)} AS loss_${n}`).join(",\n    ")},
    ${[20, 60, 240].map((n) => `${mean("v", n)} AS v_avg_${n}, sqrt(${sampleVariance("v", "v_sq", n)}) AS v_sd_${n}`).join(",\n    ")},
    ${[30, 240].map((n) => `${windowSum("tv", n)} / nullif(${windowSum("v", n)}, 0) AS vwap_${n}`).join(",\n    ")},
    -- lag-1 autocorrelation of returns over 60 bars: (n·Σxy − ΣxΣy) / √((n·Σx² − (Σx)²)(n·Σy² − (Σy)²))
    (60 * ${windowSum("r_cross", 60)} - ${windowSum("r", 60)} * ${windowSum("r_prev", 60)})
      / nullif(sqrt(greatest(60 * ${windowSum("r_sq", 60)} - ${squared(windowSum("r", 60))}, 0)
                    * greatest(60 * ${windowSum("r_prev_sq", 60)} - ${squared(windowSum("r_prev", 60))}, 0)), 0) AS autocorr_raw,
    ${[60, 240].map((n) => `${windowExtreme(LOWEST, n)} AS low_${n}, ${windowExtreme(HIGHEST, n)} AS high_${n}`).join(",\n    ")}
  FROM level_${deepestLevel(SUMMED)}
), with_macd AS (
  -- the population stddev is the sample one scaled by √((n−1)/n)
  SELECT *,
    ${full(26, "(sma_12 - sma_26) / nullif(c, 0)")} AS macd_value,
    sd_20 * sqrt(19 / 20) AS sd_pop_20,
    sd_60 * sqrt(59 / 60) AS sd_pop_60
  FROM window_stats
), with_signal AS (
  SELECT *, ${full(34, `(macd_value + ${[1, 2, 3, 4, 5, 6, 7, 8].map((k) => `lag(macd_value, ${k}) OVER ()`).join(" + ")}) / 9`)} AS macd_signal_value
  FROM with_macd
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
  session_vwap_dist,
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
-- rows leave the streaming windows in (root, ts) order: no second sort
WHERE ts >= ${start}::TIMESTAMP AND ts < ${end}::TIMESTAMP`;
}
