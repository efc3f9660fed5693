/**
 * The features' rolling windows as a kernel over typed arrays (the input
 * columns sql/features.ts reads, in (root, ts) order): 40 of the 43
 * features; the time of day needs no window and stays in SQL.
 *
 * Every window is "the n bars ending at t" of one root, built by binary
 * lifting (rolling-blocks.ts), so a bar's features read only bars at or
 * before it and come out the same doubles however far back the input
 * starts. Rows of the previous root sit right before a root's first bar,
 * so a window of n bars is only valid once the root has n bars:
 * `bar_index >= n` (n + 1 when the bars' values need the previous close).
 *
 * The arithmetic follows the SQL it replaced term for term (the reference
 * in the tests), so values agree to the last bits; the logarithms are
 * DuckDB's, computed in the input query. The work goes term by term, so
 * only one term's blocks are held at a time.
 */
import { MaterializeError, type KernelInput, type KernelOutput } from "materia";
import { ArrayPool, BlockExtremes, BlockSums } from "./rolling-blocks";
import { FEATURE_NAMES, RETURN_LAGS, TIME_OF_DAY_FEATURES } from "./sql/features";

/** The features the kernel computes. */
const KERNEL_FEATURES = FEATURE_NAMES.length - TIME_OF_DAY_FEATURES.length;

/** The input columns, as the kernel reads them. */
export const FEATURE_KERNEL_INPUTS = [
  "root_id", "ts", "symbol_id", "session_date", "session_minute", "in_window", "bar_index",
  "o", "h", "l", "c", "v", "session_vwap_dist", "r", "log_hl", "log_co", ...RETURN_LAGS.map((k) => `ret_${k}`),
] as const;

type InputName = (typeof FEATURE_KERNEL_INPUTS)[number];

function column<T>(input: KernelInput, name: InputName, type: new (n: number) => T): T {
  const values = input.columns[name];
  if (!(values instanceof type)) throw new MaterializeError(`The features kernel's input column ${name} is missing or not a ${type.name}.`);
  return values;
}

interface Bars {
  length: number;
  /** Scratch arrays of the input's length. */
  pool: ArrayPool;
  barIndex: Int32Array;
  o: Float64Array;
  h: Float64Array;
  l: Float64Array;
  c: Float64Array;
  v: Float64Array;
  r: Float64Array;
}

/**
 * The output columns, filled tile by tile. A group writes its features in
 * one loop over the tile's output rows: `rows` are their positions in the
 * tile's slice, `at` where the first goes in the output.
 */
class Features {
  private readonly values: Record<string, Float64Array> = {};
  /** Every column in one allocation: forty large ones each made V8 weigh a full garbage collection (profiled). */
  private readonly storage: Float64Array;
  rows: Int32Array = new Int32Array(0);
  barIndex: Int32Array = new Int32Array(0);
  at = 0;
  constructor(private readonly length: number) {
    this.storage = new Float64Array(KERNEL_FEATURES * length);
  }

  tile(rows: Int32Array, barIndex: Int32Array, at: number): void {
    [this.rows, this.barIndex, this.at] = [rows, barIndex, at];
  }

  /** The output column of feature `name`. */
  column(name: string): Float64Array {
    const existing = this.values[name];
    if (existing) return existing;
    const index = Object.keys(this.values).length;
    if (index >= KERNEL_FEATURES) throw new RangeError(`the features kernel computes ${KERNEL_FEATURES} features, not ${name} too`);
    return (this.values[name] = this.storage.subarray(index * this.length, (index + 1) * this.length));
  }

  columns(): Record<string, Float64Array> {
    return this.values;
  }
}

/** A divisor that is zero gives NULL (SQL's nullif(x, 0)). */
function nonZero(x: number): number {
  return x === 0 ? NaN : x;
}

/** `value` once the root has `bars` bars (a full window), else NULL. */
function full(barIndex: number, bars: number, value: number): number {
  return barIndex >= bars ? value : NaN;
}

/** Sample variance over n bars from the sums of x and x² (for terms whose mean is small next to their spread). */
function sampleVariance(sum: number, sumSquares: number, n: number): number {
  return Math.max(sumSquares - (sum * sum) / n, 0) / (n - 1);
}

/** An array of the pool's holding each row's value of a term. */
function term(pool: ArrayPool, length: number, value: (t: number) => number): Float64Array {
  const out = pool.take();
  for (let t = 0; t < length; t++) out[t] = value(t);
  return out;
}

/** 19–29: MACD, Bollinger, z-scores and moving-average ratios, from the close's sums and M2. */
function closeFeatures(bars: Bars, _input: KernelInput, f: Features): void {
  const { c } = bars;
  const sums = new BlockSums(bars.pool, c, 240, { m2: true });
  const [sum12, sum20, sum26, sum50, sum60, sum200, sum240] = [12, 20, 26, 50, 60, 200, 240].map((n) => sums.window(n));
  const [m2of20, m2of60, m2of240] = [20, 60, 240].map((n) => sums.m2Window(n));
  // MACD on simple moving averages, relative to the close, at every row: its signal is the mean of the last 9
  const macd = bars.pool.take();
  for (let t = 0; t < bars.length; t++) macd[t] = full(bars.barIndex[t]!, 26, (sum12![t]! / 12 - sum26![t]! / 26) / nonZero(c[t]!));
  // population stddev: the sample one scaled by √((n−1)/n)
  const [pop20, pop60] = [Math.sqrt(19 / 20), Math.sqrt(59 / 60)];
  const [macdOut, signalOut, histOut, pctb20, pctb60, width20, z20, z60, z240, ratio50, ratio200] = [
    "macd", "macd_signal", "macd_hist", "bb_pctb_20", "bb_pctb_60", "bb_width_20", "zscore_20", "zscore_60", "zscore_240", "sma_ratio_50", "sma_ratio_200",
  ].map((name) => f.column(name));
  for (let i = 0; i < f.rows.length; i++) {
    const t = f.rows[i]!;
    const bar = f.barIndex[t]!;
    const o = f.at + i;
    const close = c[t]!;
    const sma20 = sum20![t]! / 20;
    const sma60 = sum60![t]! / 60;
    const sma240 = sum240![t]! / 240;
    const sd20 = Math.sqrt(m2of20![t]! / 19);
    const sd60 = Math.sqrt(m2of60![t]! / 59);
    const sd240 = Math.sqrt(m2of240![t]! / 239);
    let signal = macd[t]!;
    for (let k = 1; k <= 8; k++) signal += t >= k ? macd[t - k]! : NaN;
    signal = full(bar, 34, signal / 9);
    // 19–21 MACD, its signal and their difference
    macdOut![o] = macd[t]!;
    signalOut![o] = signal;
    histOut![o] = macd[t]! - signal;
    // 22–24 Bollinger %b and width
    pctb20![o] = full(bar, 20, (close - (sma20 - 2 * (sd20 * pop20))) / nonZero(4 * (sd20 * pop20)));
    pctb60![o] = full(bar, 60, (close - (sma60 - 2 * (sd60 * pop60))) / nonZero(4 * (sd60 * pop60)));
    width20![o] = full(bar, 20, (4 * (sd20 * pop20)) / nonZero(sma20));
    // 25–29 distance from moving averages
    z20![o] = full(bar, 20, (close - sma20) / nonZero(sd20));
    z60![o] = full(bar, 60, (close - sma60) / nonZero(sd60));
    z240![o] = full(bar, 240, (close - sma240) / nonZero(sd240));
    ratio50![o] = full(bar, 50, close / nonZero(sum50![t]! / 50) - 1);
    ratio200![o] = full(bar, 200, close / nonZero(sum200![t]! / 200) - 1);
  }
}

/** 1–10 and 40: log returns, realised volatility, lag-1 autocorrelation of returns. */
function returnFeatures(bars: Bars, input: KernelInput, f: Features): void {
  const { r } = bars;
  const sumR = new BlockSums(bars.pool, r, 240);
  const sumSquares = new BlockSums(bars.pool, term(bars.pool, bars.length, (t) => r[t]! * r[t]!), 240);
  const [s15, s30, s60, s240] = [15, 30, 60, 240].map((n) => sumR.window(n));
  const [q15, q30, q60, q240] = [15, 30, 60, 240].map((n) => sumSquares.window(n));
  // the previous bar's return y: its sums are r's one row back
  const cross = new BlockSums(bars.pool, term(bars.pool, bars.length, (t) => (t > 0 ? r[t]! * r[t - 1]! : NaN)), 60).window(60);
  const returns = RETURN_LAGS.map((k) => ({ k, ret: column(input, `ret_${k}`, Float64Array), out: f.column(`ret_${k}`) }));
  const [ret1, rv15, rv30, rv60, rv240, autocorr] = ["ret_1", "rv_15", "rv_30", "rv_60", "rv_240", "autocorr_60"].map((name) => f.column(name));
  for (let i = 0; i < f.rows.length; i++) {
    const t = f.rows[i]!;
    const bar = f.barIndex[t]!;
    const o = f.at + i;
    // 1–6 log returns over k bars (they need the close k bars back: k + 1 bars)
    ret1![o] = full(bar, 2, r[t]!);
    for (let j = 0; j < returns.length; j++) returns[j]!.out[o] = full(bar, returns[j]!.k + 1, returns[j]!.ret[t]!);
    // 7–10 realised volatility: sample stddev of one-bar log returns
    rv15![o] = full(bar, 16, Math.sqrt(sampleVariance(s15![t]!, q15![t]!, 15)));
    rv30![o] = full(bar, 31, Math.sqrt(sampleVariance(s30![t]!, q30![t]!, 30)));
    rv60![o] = full(bar, 61, Math.sqrt(sampleVariance(s60![t]!, q60![t]!, 60)));
    rv240![o] = full(bar, 241, Math.sqrt(sampleVariance(s240![t]!, q240![t]!, 240)));
    // 40 (n·Σxy − ΣxΣy) / √((n·Σx² − (Σx)²)(n·Σy² − (Σy)²)), needing r_{t−60}'s predecessor: 62 bars
    if (bar >= 62) {
      const x = s60![t]!;
      const x2 = q60![t]!;
      const y = s60![t - 1]!;
      const y2 = q60![t - 1]!;
      autocorr![o] = (60 * cross[t]! - x * y) / nonZero(Math.sqrt(Math.max(60 * x2 - x * x, 0) * Math.max(60 * y2 - y * y, 0)));
    } else autocorr![o] = NaN;
  }
}

/** 11–14 range-based volatility (Parkinson, Garman–Klass). */
function rangeFeatures(bars: Bars, input: KernelInput, f: Features): void {
  const logHl = column(input, "log_hl", Float64Array);
  const logCo = column(input, "log_co", Float64Array);
  const parkinson = new BlockSums(bars.pool, term(bars.pool, bars.length, (t) => logHl[t]! * logHl[t]!), 240);
  const garmanKlass = new BlockSums(bars.pool, term(bars.pool, bars.length, (t) => 0.5 * logHl[t]! * logHl[t]! - (2 * Math.LN2 - 1) * logCo[t]! * logCo[t]!), 240);
  for (const n of [30, 240]) {
    const [hl, gk] = [parkinson.window(n), garmanKlass.window(n)];
    const [parkinsonOut, garmanKlassOut] = [f.column(`parkinson_${n}`), f.column(`garman_klass_${n}`)];
    for (let i = 0; i < f.rows.length; i++) {
      const t = f.rows[i]!;
      const bar = f.barIndex[t]!;
      const o = f.at + i;
      const variance = gk[t]! / n;
      parkinsonOut[o] = full(bar, n, Math.sqrt(hl[t]! / n / (4 * Math.LN2)));
      garmanKlassOut[o] = full(bar, n, variance >= 0 ? Math.sqrt(variance) : NaN);
    }
  }
}

/** 15–18 average true range relative to the close, and RSI on simple averages. */
function rangeAndStrengthFeatures(bars: Bars, _input: KernelInput, f: Features): void {
  const { c, h, l } = bars;
  // NULL-ignoring greatest, as in SQL: the first row's true range is its bar's range, its gain and loss 0
  const trueRange = term(bars.pool, bars.length, (t) => (t === 0 ? h[t]! - l[t]! : Math.max(h[t]! - l[t]!, Math.abs(h[t]! - c[t - 1]!), Math.abs(l[t]! - c[t - 1]!))));
  const gains = new BlockSums(bars.pool, term(bars.pool, bars.length, (t) => (t === 0 ? 0 : Math.max(c[t]! - c[t - 1]!, 0))), 60);
  const losses = new BlockSums(bars.pool, term(bars.pool, bars.length, (t) => (t === 0 ? 0 : Math.max(c[t - 1]! - c[t]!, 0))), 60);
  const ranges = new BlockSums(bars.pool, trueRange, 60);
  for (const n of [14, 60]) {
    const [atr, gain, loss] = [ranges.window(n), gains.window(n), losses.window(n)];
    const [atrOut, rsiOut] = [f.column(`atr_pct_${n}`), f.column(`rsi_${n}`)];
    for (let i = 0; i < f.rows.length; i++) {
      const t = f.rows[i]!;
      const bar = f.barIndex[t]!;
      const o = f.at + i;
      const g = gain[t]! / n;
      const s = loss[t]! / n;
      atrOut[o] = full(bar, n + 1, atr[t]! / n / nonZero(c[t]!));
      // 100 when there are only gains, 50 when flat
      rsiOut[o] = full(bar, n + 1, s === 0 ? (g > 0 ? 100 : 50) : 100 - 100 / (1 + g / s));
    }
  }
}

/** 30–34: volume z-scores and the distance from the rolling VWAP of typical prices. */
function volumeFeatures(bars: Bars, _input: KernelInput, f: Features): void {
  const { c, h, l, v } = bars;
  const volume = new BlockSums(bars.pool, v, 240);
  const volumeSquares = new BlockSums(bars.pool, term(bars.pool, bars.length, (t) => v[t]! * v[t]!), 240);
  const typicalValue = new BlockSums(bars.pool, term(bars.pool, bars.length, (t) => ((h[t]! + l[t]! + c[t]!) / 3) * v[t]!), 240);
  for (const n of [20, 60, 240]) {
    const [s, s2, out] = [volume.window(n), volumeSquares.window(n), f.column(`volume_z_${n}`)];
    for (let i = 0; i < f.rows.length; i++) {
      const t = f.rows[i]!;
      out[f.at + i] = full(f.barIndex[t]!, n, (v[t]! - s[t]! / n) / nonZero(Math.sqrt(sampleVariance(s[t]!, s2[t]!, n))));
    }
  }
  for (const n of [30, 240]) {
    const [value, vol, out] = [typicalValue.window(n), volume.window(n), f.column(`vwap_dist_${n}`)];
    for (let i = 0; i < f.rows.length; i++) {
      const t = f.rows[i]!;
      out[f.at + i] = full(f.barIndex[t]!, n, c[t]! / nonZero(value[t]! / nonZero(vol[t]!)) - 1);
    }
  }
}

/** 36–37 stochastic %K. */
function stochasticFeatures(bars: Bars, _input: KernelInput, f: Features): void {
  const { c } = bars;
  const highs = new BlockExtremes(bars.pool, bars.h, 240, "max");
  const lows = new BlockExtremes(bars.pool, bars.l, 240, "min");
  for (const n of [60, 240]) {
    const [high, low, out] = [highs.window(n), lows.window(n), f.column(`stoch_k_${n}`)];
    for (let i = 0; i < f.rows.length; i++) {
      const t = f.rows[i]!;
      out[f.at + i] = full(f.barIndex[t]!, n, (c[t]! - low[t]!) / nonZero(high[t]! - low[t]!));
    }
  }
}

/** 35, 38–39: the session VWAP distance (from the input) and the bar itself. */
function barFeatures(bars: Bars, input: KernelInput, f: Features): void {
  const { c, h, l } = bars;
  const sessionVwapDist = column(input, "session_vwap_dist", Float64Array);
  const [vwapOut, rangeOut, locationOut] = ["session_vwap_dist", "bar_range", "close_location"].map((name) => f.column(name));
  for (let i = 0; i < f.rows.length; i++) {
    const t = f.rows[i]!;
    const o = f.at + i;
    vwapOut![o] = sessionVwapDist[t]!;
    rangeOut![o] = (h[t]! - l[t]!) / nonZero(c[t]!);
    locationOut![o] = h[t] === l[t] ? 0.5 : (c[t]! - l[t]!) / (h[t]! - l[t]!);
  }
}

/** Rows must come in (root, ts) order, numbered from 1 per root: a window over rows out of order would mix bars. */
function assertInOrder(rootId: Int32Array, ts: BigInt64Array, barIndex: Int32Array): void {
  for (let t = 0; t < rootId.length; t++) {
    const follows = t > 0 && rootId[t] === rootId[t - 1] ? barIndex[t] === barIndex[t - 1]! + 1 && ts[t]! > ts[t - 1]! : barIndex[t] === 1;
    if (!follows) throw new MaterializeError(`The features kernel read bars out of (root, ts) order (row ${t}, bar ${barIndex[t]}).`, { hint: "Its input query must sort by (root, ts) once and keep that order." });
  }
}

function gather<T extends Int32Array | BigInt64Array>(values: T, rows: Int32Array): T {
  const out = new (values.constructor as new (n: number) => T)(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

/** Rows per tile: the scratch blocks are a tile long (~70 KB each), not a month long (~2.5 MB each, some 30 held at a time). */
const TILE_ROWS = 8192;
/** Rows before a tile its windows read: the longest window (240) and the MACD signal's lags, rounded up. */
const TILE_HISTORY = 256;

const FEATURE_GROUPS = [returnFeatures, rangeFeatures, rangeAndStrengthFeatures, closeFeatures, volumeFeatures, stochasticFeatures, barFeatures];

/** Rows [from, to) of every input column, without copying. */
function slice(input: KernelInput, from: number, to: number): KernelInput {
  const columns = Object.fromEntries(Object.entries(input.columns).map(([name, values]) => [name, values.subarray(from, to)]));
  return { length: to - from, columns, valid: {} };
}

/**
 * The kernel: the window's bars (in_window), in (root, ts) order, with 40
 * features each. It runs tile by tile over the rows, each tile with the
 * rows its windows reach back to: a window depends on its own rows only, so
 * the values are those of one pass over all rows.
 */
export function featureKernel(input: KernelInput): KernelOutput {
  const rootId = column(input, "root_id", Int32Array);
  const ts = column(input, "ts", BigInt64Array);
  const barIndex = column(input, "bar_index", Int32Array);
  assertInOrder(rootId, ts, barIndex);
  const inWindow = column(input, "in_window", Uint8Array);
  let count = 0;
  for (let t = 0; t < inWindow.length; t++) count += inWindow[t]!;
  const rows = new Int32Array(count);
  for (let t = 0, i = 0; t < inWindow.length; t++) if (inWindow[t] === 1) rows[i++] = t;

  const f = new Features(count);
  const pool = new ArrayPool(TILE_HISTORY + TILE_ROWS);
  for (let start = 0, at = 0; start < input.length; start += TILE_ROWS) {
    const end = Math.min(input.length, start + TILE_ROWS);
    const from = Math.max(0, start - TILE_HISTORY);
    const part = slice(input, from, end);
    pool.resize(end - from);
    const bars: Bars = {
      length: part.length,
      pool,
      barIndex: column(part, "bar_index", Int32Array),
      o: column(part, "o", Float64Array),
      h: column(part, "h", Float64Array),
      l: column(part, "l", Float64Array),
      c: column(part, "c", Float64Array),
      v: column(part, "v", Float64Array),
      r: column(part, "r", Float64Array),
    };
    const tileRows: number[] = [];
    for (let t = start; t < end; t++) if (inWindow[t] === 1) tileRows.push(t - from);
    f.tile(Int32Array.from(tileRows), bars.barIndex, at);
    at += tileRows.length;
    // one group of terms at a time: its blocks go back to the pool before the next
    for (const group of FEATURE_GROUPS) pool.scope(() => group(bars, part, f));
  }
  return {
    root_id: gather(rootId, rows),
    ts: { values: gather(ts, rows), type: "TIMESTAMP" },
    symbol_id: gather(column(input, "symbol_id", Int32Array), rows),
    session_date: { values: gather(column(input, "session_date", Int32Array), rows), type: "DATE" },
    session_minute: gather(column(input, "session_minute", Int32Array), rows),
    ...f.columns(),
  };
}
