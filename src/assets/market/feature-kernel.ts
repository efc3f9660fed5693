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
import { RETURN_LAGS } from "./sql/features";

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

/** The output columns, filled tile by tile: the tile's output rows (positions in its slice) and where they go. */
class Features {
  readonly values: Record<string, Float64Array> = {};
  private rows: Int32Array = new Int32Array(0);
  private barIndex: Int32Array = new Int32Array(0);
  private at = 0;
  constructor(private readonly length: number) {}

  tile(rows: Int32Array, barIndex: Int32Array, at: number): void {
    [this.rows, this.barIndex, this.at] = [rows, barIndex, at];
  }

  /** Feature `name` = expr(t) at each output row of the tile once the root has `bars` bars, else NULL. */
  set(name: string, bars: number, expr: (t: number) => number): void {
    const out = (this.values[name] ??= new Float64Array(this.length));
    for (let i = 0; i < this.rows.length; i++) {
      const t = this.rows[i]!;
      out[this.at + i] = this.barIndex[t]! >= bars ? expr(t) : NaN;
    }
  }
}

/** A divisor that is zero gives NULL (SQL's nullif(x, 0)). */
function nonZero(x: number): number {
  return x === 0 ? NaN : x;
}

/** Each row's previous close (NULL on the first row). */
function previousClose(pool: ArrayPool, c: Float64Array): Float64Array {
  const out = pool.take();
  out[0] = NaN;
  out.set(c.subarray(0, c.length - 1), 1);
  return out;
}

/** f at every row, into an array of the pool's. */
function map(pool: ArrayPool, f: (t: number) => number): Float64Array {
  const out = pool.take();
  for (let t = 0; t < out.length; t++) out[t] = f(t);
  return out;
}

/** Sample variance over n bars from the sums of x and x² (for terms whose mean is small next to their spread). */
function sampleVariance(sum: number, sumSquares: number, n: number): number {
  return Math.max(sumSquares - (sum * sum) / n, 0) / (n - 1);
}

/** 19–29: MACD, Bollinger, z-scores and moving-average ratios, from the close's sums and M2. */
function closeFeatures(bars: Bars, _input: KernelInput, f: Features): void {
  const { c, barIndex } = bars;
  const sums = new BlockSums(bars.pool, c, 240, { m2: true });
  const sma: Record<number, Float64Array> = {};
  for (const n of [12, 20, 26, 50, 60, 200, 240]) {
    const sum = sums.window(n);
    sma[n] = map(bars.pool, (t) => sum[t]! / n);
  }
  const sd: Record<number, Float64Array> = {};
  for (const n of [20, 60, 240]) {
    const m2 = sums.m2Window(n);
    sd[n] = map(bars.pool, (t) => Math.sqrt(m2[t]! / (n - 1)));
  }
  // 19–21 MACD on simple moving averages, relative to the close; its signal the mean of the last 9 values
  const macd = map(bars.pool, (t) => (barIndex[t]! >= 26 ? (sma[12]![t]! - sma[26]![t]!) / nonZero(c[t]!) : NaN));
  const signal = (t: number): number => {
    let sum = macd[t]!;
    for (let k = 1; k <= 8; k++) sum += t >= k ? macd[t - k]! : NaN;
    return sum / 9;
  };
  f.set("macd", 0, (t) => macd[t]!);
  f.set("macd_signal", 34, signal);
  f.set("macd_hist", 0, (t) => (barIndex[t]! >= 34 ? macd[t]! - signal(t) : NaN));
  // 22–24 Bollinger %b and width (population stddev: the sample one scaled by √((n−1)/n))
  const popSd = (n: number, t: number): number => sd[n]![t]! * Math.sqrt((n - 1) / n);
  f.set("bb_pctb_20", 20, (t) => (c[t]! - (sma[20]![t]! - 2 * popSd(20, t))) / nonZero(4 * popSd(20, t)));
  f.set("bb_pctb_60", 60, (t) => (c[t]! - (sma[60]![t]! - 2 * popSd(60, t))) / nonZero(4 * popSd(60, t)));
  f.set("bb_width_20", 20, (t) => (4 * popSd(20, t)) / nonZero(sma[20]![t]!));
  // 25–29 distance from moving averages
  for (const n of [20, 60, 240]) f.set(`zscore_${n}`, n, (t) => (c[t]! - sma[n]![t]!) / nonZero(sd[n]![t]!));
  for (const n of [50, 200]) f.set(`sma_ratio_${n}`, n, (t) => c[t]! / nonZero(sma[n]![t]!) - 1);
}

/** 1–10 and 40: log returns, realised volatility, lag-1 autocorrelation of returns. */
function returnFeatures(bars: Bars, input: KernelInput, f: Features): void {
  const { r } = bars;
  f.set("ret_1", 2, (t) => r[t]!);
  for (const k of RETURN_LAGS) {
    const ret = column(input, `ret_${k}`, Float64Array);
    f.set(`ret_${k}`, k + 1, (t) => ret[t]!);
  }
  const sumR = new BlockSums(bars.pool, r, 240);
  const sumSquares = new BlockSums(bars.pool, map(bars.pool, (t) => r[t]! * r[t]!), 240);
  for (const n of [15, 30, 60, 240]) {
    const [s, s2] = [sumR.window(n), sumSquares.window(n)];
    f.set(`rv_${n}`, n + 1, (t) => Math.sqrt(sampleVariance(s[t]!, s2[t]!, n)));
  }
  // (n·Σxy − ΣxΣy) / √((n·Σx² − (Σx)²)(n·Σy² − (Σy)²)), y the previous bar's return: its sums are r's, one row back
  const [x, x2] = [sumR.window(60), sumSquares.window(60)];
  const xy = new BlockSums(bars.pool, map(bars.pool, (t) => (t > 0 ? r[t]! * r[t - 1]! : NaN)), 60).window(60);
  f.set("autocorr_60", 62, (t) => {
    const [y, y2] = [x[t - 1]!, x2[t - 1]!];
    const spread = Math.max(60 * x2[t]! - x[t]! * x[t]!, 0) * Math.max(60 * y2 - y * y, 0);
    return (60 * xy[t]! - x[t]! * y) / nonZero(Math.sqrt(spread));
  });
}

/** 11–14 range-based volatility (Parkinson, Garman–Klass). */
function rangeFeatures(bars: Bars, input: KernelInput, f: Features): void {
  const logHl = column(input, "log_hl", Float64Array);
  const logCo = column(input, "log_co", Float64Array);
  const parkinson = new BlockSums(bars.pool, map(bars.pool, (t) => logHl[t]! * logHl[t]!), 240);
  const garmanKlass = new BlockSums(bars.pool, map(bars.pool, (t) => 0.5 * logHl[t]! * logHl[t]! - (2 * Math.LN2 - 1) * logCo[t]! * logCo[t]!), 240);
  for (const n of [30, 240]) {
    const hl = parkinson.window(n);
    const gk = garmanKlass.window(n);
    f.set(`parkinson_${n}`, n, (t) => Math.sqrt(hl[t]! / n / (4 * Math.LN2)));
    f.set(`garman_klass_${n}`, n, (t) => (gk[t]! / n >= 0 ? Math.sqrt(gk[t]! / n) : NaN));
  }
}

/** 15–18 average true range relative to the close, and RSI on simple averages. */
function rangeAndStrengthFeatures(bars: Bars, _input: KernelInput, f: Features): void {
  const { c, h, l } = bars;
  const previous = previousClose(bars.pool, c);
  // NULL-ignoring greatest, as in SQL: the first row's true range is its bar's range, its gain and loss 0
  const trueRange = map(bars.pool, (t) => (t === 0 ? h[t]! - l[t]! : Math.max(h[t]! - l[t]!, Math.abs(h[t]! - previous[t]!), Math.abs(l[t]! - previous[t]!))));
  const gains = new BlockSums(bars.pool, map(bars.pool, (t) => (t === 0 ? 0 : Math.max(c[t]! - previous[t]!, 0))), 60);
  const losses = new BlockSums(bars.pool, map(bars.pool, (t) => (t === 0 ? 0 : Math.max(previous[t]! - c[t]!, 0))), 60);
  const ranges = new BlockSums(bars.pool, trueRange, 60);
  for (const n of [14, 60]) {
    const [atr, gain, loss] = [ranges.window(n), gains.window(n), losses.window(n)];
    f.set(`atr_pct_${n}`, n + 1, (t) => atr[t]! / n / nonZero(c[t]!));
    f.set(`rsi_${n}`, n + 1, (t) => {
      const [g, s] = [gain[t]! / n, loss[t]! / n];
      // 100 when there are only gains, 50 when flat
      return s === 0 ? (g > 0 ? 100 : 50) : 100 - 100 / (1 + g / s);
    });
  }
}

/** 30–34: volume z-scores and the distance from the rolling VWAP of typical prices. */
function volumeFeatures(bars: Bars, _input: KernelInput, f: Features): void {
  const { c, h, l, v } = bars;
  const volume = new BlockSums(bars.pool, v, 240);
  const volumeSquares = new BlockSums(bars.pool, map(bars.pool, (t) => v[t]! * v[t]!), 240);
  const typicalValue = new BlockSums(bars.pool, map(bars.pool, (t) => ((h[t]! + l[t]! + c[t]!) / 3) * v[t]!), 240);
  for (const n of [20, 60, 240]) {
    const [s, s2] = [volume.window(n), volumeSquares.window(n)];
    f.set(`volume_z_${n}`, n, (t) => (v[t]! - s[t]! / n) / nonZero(Math.sqrt(sampleVariance(s[t]!, s2[t]!, n))));
  }
  for (const n of [30, 240]) {
    const [value, vol] = [typicalValue.window(n), volume.window(n)];
    f.set(`vwap_dist_${n}`, n, (t) => c[t]! / nonZero(value[t]! / nonZero(vol[t]!)) - 1);
  }
}

/** 36–37 stochastic %K. */
function stochasticFeatures(bars: Bars, _input: KernelInput, f: Features): void {
  const { c, h, l } = bars;
  const highs = new BlockExtremes(bars.pool, h, 240, "max");
  const lows = new BlockExtremes(bars.pool, l, 240, "min");
  for (const n of [60, 240]) {
    const [high, low] = [highs.window(n), lows.window(n)];
    f.set(`stoch_k_${n}`, n, (t) => (c[t]! - low[t]!) / nonZero(high[t]! - low[t]!));
  }
}

/** 35, 38–39: the session VWAP distance (from the input) and the bar itself. */
function barFeatures(bars: Bars, input: KernelInput, f: Features): void {
  const { c, h, l } = bars;
  const sessionVwapDist = column(input, "session_vwap_dist", Float64Array);
  f.set("session_vwap_dist", 0, (t) => sessionVwapDist[t]!);
  f.set("bar_range", 0, (t) => (h[t]! - l[t]!) / nonZero(c[t]!));
  f.set("close_location", 0, (t) => (h[t] === l[t] ? 0.5 : (c[t]! - l[t]!) / (h[t]! - l[t]!)));
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
    ...f.values,
  };
}
