/**
 * The market features as they were in SQL before the features kernel
 * (src/assets/market/feature-kernel.ts) replaced them: the reference the
 * kernel is compared with (market-features-kernel.test.ts). Every window is
 * "the n bars ending at t" of one root, built from streaming lags only by
 * binary lifting over rows sorted by (root, ts):
 *
 * - a term's block of level k is its sum over the 2^k bars ending at t: the
 *   block of level k − 1 plus the same block 2^(k−1) bars earlier;
 * - a window of n bars is the disjoint blocks of n's binary digits
 *   (240 = 128 + 64 + 32 + 16), each a lag of a block column;
 * - the close also carries M2 = Σ(x − mean)², merged with Chan's formula;
 * - max/min over n bars are two overlapping blocks of the largest power of
 *   two ≤ n.
 */
import type { SqlConnection } from "materia";
import { SESSION_MINUTES } from "../../src/assets/market/layout";
import { adjustmentOf, rollAdjustments, rollJoin } from "../../src/assets/market/sql/back-adjustment";
import { FEATURE_WARM_UP_BARS, FEATURE_WARM_UP_DAYS } from "../../src/assets/market/sql/features";

interface BlockTerm {
  /** Column prefix of the blocks: `<name>_<k>`. */
  name: string;
  /** SQL of the term's value at one bar. */
  value: string;
  /** The longest window the term is summed over. */
  longest: number;
  /** Also carry M2 (for a variance that must not cancel). */
  m2?: boolean;
}

interface ExtremeTerm {
  name: string;
  value: string;
  kind: "max" | "min";
  longest: number;
}

/** x² as a product: DuckDB's `^` calls pow(), several times slower (profiled), and the product's operands are one common subexpression. */
function squared(x: string): string {
  return `(${x}) * (${x})`;
}

function levelsFor(longest: number): number {
  return Math.floor(Math.log2(longest));
}

/** Deepest level any term needs: one streaming layer per level. */
function deepestLevel(terms: ReadonlyArray<{ longest: number }>): number {
  return Math.max(...terms.map((t) => levelsFor(t.longest)));
}

/** Level-0 columns: the terms' values at one bar. */
function levelZero(sums: readonly BlockTerm[], extremes: readonly ExtremeTerm[]): string {
  return [
    ...sums.flatMap((t) => [`${t.value} AS ${t.name}_0`, ...(t.m2 ? [`0.0 AS ${t.name}_m2_0`] : [])]),
    ...extremes.map((t) => `${t.value} AS ${t.name}_0`),
  ].join(",\n    ");
}

/** Columns of level k (2^k bars ending at t) from level k − 1: two adjacent halves of h = 2^(k−1) bars. */
function level(k: number, sums: readonly BlockTerm[], extremes: readonly ExtremeTerm[]): string {
  const h = 2 ** (k - 1);
  const older = (column: string): string => `lag(${column}, ${h}) OVER ()`;
  const columns: string[] = [];
  for (const t of sums.filter((s) => levelsFor(s.longest) >= k)) {
    const half = `${t.name}_${k - 1}`;
    columns.push(`${half} + ${older(half)} AS ${t.name}_${k}`);
    // Chan: M2 = M2_a + M2_b + δ²·h/2, δ the difference of the halves' means
    if (t.m2) columns.push(`${t.name}_m2_${k - 1} + ${older(`${t.name}_m2_${k - 1}`)} + ${squared(`${half} - ${older(half)}`)} / ${2 * h} AS ${t.name}_m2_${k}`);
  }
  for (const t of extremes.filter((e) => levelsFor(e.longest) >= k)) {
    const half = `${t.name}_${k - 1}`;
    columns.push(`${t.kind === "max" ? "greatest" : "least"}(${half}, ${older(half)}) AS ${t.name}_${k}`);
  }
  return columns.join(",\n    ");
}

interface Block {
  level: number;
  /** Bars between t and the block's newest bar. */
  offset: number;
}

/** The disjoint blocks making up the n bars ending at t, newest first (n's binary digits). */
function blocksOf(n: number): Block[] {
  const blocks: Block[] = [];
  let offset = 0;
  for (let k = levelsFor(n); k >= 0; k--) {
    if (n - offset >= 2 ** k) {
      blocks.push({ level: k, offset });
      offset += 2 ** k;
    }
  }
  return blocks;
}

function blockColumn(column: string, block: Block): string {
  return block.offset === 0 ? `${column}_${block.level}` : `lag(${column}_${block.level}, ${block.offset}) OVER ()`;
}

/** Σ of a term over the n bars ending at t. */
function windowSum(term: string, n: number): string {
  return `(${blocksOf(n)
    .map((b) => blockColumn(term, b))
    .join(" + ")})`;
}

/** M2 of a term (declared with `m2`) over the n bars ending at t: its blocks merged one by one (Chan). */
function windowM2(term: string, n: number): string {
  const [first, ...rest] = blocksOf(n);
  if (!first) throw new RangeError(`a window of ${n} bars`);
  let count = 2 ** first.level;
  let sum = blockColumn(term, first);
  let m2 = blockColumn(`${term}_m2`, first);
  for (const block of rest) {
    const size = 2 ** block.level;
    const s = blockColumn(term, block);
    m2 = `${m2} + ${blockColumn(`${term}_m2`, block)} + ${squared(`${s} / ${size} - (${sum}) / ${count}`)} * ${(count * size) / (count + size)}`;
    sum = `${sum} + ${s}`;
    count += size;
  }
  return `(${m2})`;
}

/** Max or min of an extreme term over the n bars ending at t: two overlapping blocks. */
function windowExtreme(term: ExtremeTerm, n: number): string {
  const k = levelsFor(n);
  const pick = term.kind === "max" ? "greatest" : "least";
  return 2 ** k === n ? `${term.name}_${k}` : `${pick}(${term.name}_${k}, lag(${term.name}_${k}, ${n - 2 ** k}) OVER ())`;
}

/** `expr` once the window of n bars is full; `needsPrevious` when the bars' values need C_{t−1} too. */
function full(n: number, expr: string, needsPrevious = false): string {
  return `CASE WHEN bar_index >= ${needsPrevious ? n + 1 : n} THEN ${expr} END`;
}

/** Per-bar terms summed over windows, each with the longest window it is summed over. */
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
export function featuresSqlReference(sql: SqlConnection, source: string, window: { start: Date; end: Date }): string {
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
