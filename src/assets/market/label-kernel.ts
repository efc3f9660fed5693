/**
 * The labels' path-dependent scans as a kernel over typed arrays (the input
 * columns sql/labels.ts reads): per bar and label span, the first touch of
 * either barrier within the horizon (AFML ch. 3), then per span the
 * concurrency c_u of complete labels, uniqueness = mean of 1/c_u over the
 * span, and weight = |Σ r_u / c_u| over it, normalised to mean 1 within the
 * month (AFML 4.1–4.2, 4.10).
 *
 * Every bar read is labelled — the month's, and the neighbouring months'
 * bars label_bars holds — so concurrency counts the labels of the previous
 * month that span the month's first bars and those of the next month that
 * span the bars after it; only the month's bars are output and normalised.
 *
 * One pass per span walks each bar's horizon until either barrier is
 * touched: on this data 0.2 s for the five spans over ~310k bars, where the
 * same search in SQL (blocks of leads and CASE ladders) took 3 s.
 */
import { MaterializeError, type KernelInput, type KernelOutput } from "materia";
import { BARRIER_SETS, labelSpans, profitBarrier, stopBarrier, type LabelMode } from "./sql/label-modes";

interface SpanPlan {
  name: string;
  modes: LabelMode[];
  horizon: number;
  /** Barrier widths in σ√h above and below the close. */
  up: number;
  down: number;
}

const SPAN_PLANS: SpanPlan[] = labelSpans().map((span) => {
  const mode = span.modes[0]!;
  const [profit, stop] = [profitBarrier(mode), stopBarrier(mode)];
  const up = profit.side === "up" ? profit : stop;
  const down = profit.side === "down" ? profit : stop;
  return { name: span.name, modes: span.modes, horizon: mode.set.horizon, up: up.width, down: down.width };
});

/** The input columns, in the order the kernel reads them (g order). */
export const LABEL_KERNEL_INPUTS = ["g", "root_id", "ts", "in_month", "sigma", "bars_after", "log_close", "log_high", "log_low", "adjusted_close", "r"] as const;

function column<T>(input: KernelInput, name: (typeof LABEL_KERNEL_INPUTS)[number], type: new (n: number) => T): T {
  const values = input.columns[name];
  if (!(values instanceof type)) throw new MaterializeError(`The labels kernel's input column ${name} is missing or not a ${type.name}.`);
  return values;
}

/** Which barriers the first touching bar reached: bit flags (both at once is possible). */
const UP = 1;
const DOWN = 2;

/** Bars per block of the extremes that let the touch search skip bars no barrier can be touched in. */
const BLOCK = 16;

/** Highest high and lowest low of each block of BLOCK bars (bars [BLOCK·k, BLOCK·k + BLOCK)). */
function blockExtremes(bars: LabelBars): { high: Float64Array; low: Float64Array } {
  const blocks = Math.ceil(bars.length / BLOCK);
  const high = new Float64Array(blocks).fill(-Infinity);
  const low = new Float64Array(blocks).fill(Infinity);
  for (let j = 0; j < bars.length; j++) {
    const k = (j / BLOCK) | 0;
    if (bars.logHigh[j]! > high[k]!) high[k] = bars.logHigh[j]!;
    if (bars.logLow[j]! < low[k]!) low[k] = bars.logLow[j]!;
  }
  return { high, low };
}

/**
 * Per bar, for one span: the bars until the first touch of either barrier
 * (at most the horizon; 0 for an incomplete label) and which barriers that
 * bar reached (UP | DOWN, 0 when neither within the horizon). Whole blocks
 * whose extremes stay between the barriers are skipped: the first touch is
 * the same, found in a fraction of the comparisons.
 */
function firstTouches(plan: SpanPlan, bars: LabelBars, blocks: { high: Float64Array; low: Float64Array }, held: Int32Array, touched: Uint8Array): void {
  const { length, sigma, barsAfter, logClose, logHigh, logLow } = bars;
  const h = plan.horizon;
  const root = Math.sqrt(h);
  for (let t = 0; t < length; t++) {
    const s = sigma[t]!;
    // complete: the horizon lies within the data and σ is known and positive (NaN > 0 is false)
    if (!(s > 0) || barsAfter[t]! < h) {
      held[t] = 0;
      touched[t] = 0;
      continue;
    }
    // the same operations, in the same order, as the SQL levels were: close ± (width · σ) · √h
    const upper = logClose[t]! + plan.up * s * root;
    const lower = logClose[t]! - plan.down * s * root;
    const last = t + h;
    let which = 0;
    let j = t + 1;
    while (j <= last) {
      if ((j & (BLOCK - 1)) === 0 && j + BLOCK - 1 <= last) {
        const k = j / BLOCK;
        if (blocks.high[k]! < upper && blocks.low[k]! > lower) {
          j += BLOCK;
          continue;
        }
      }
      which = (logHigh[j]! >= upper ? UP : 0) | (logLow[j]! <= lower ? DOWN : 0);
      if (which !== 0) break;
      j++;
    }
    held[t] = which !== 0 ? j - t : h;
    touched[t] = which;
  }
}

interface LabelBars {
  length: number;
  rootId: Int32Array;
  sigma: Float64Array;
  barsAfter: Int32Array;
  logClose: Float64Array;
  logHigh: Float64Array;
  logLow: Float64Array;
}

/**
 * Per bar, for the labels of one span: uniqueness (mean 1/c_u over (t, t1])
 * and |Σ r_u / c_u| over it, from running sums of 1/c_u and r_u/c_u that
 * restart at each root (NaN where the label is incomplete).
 */
function concurrencyWeights(bars: LabelBars, r: Float64Array, held: Int32Array, uniqueness: Float64Array, attributed: Float64Array): void {
  const { length, rootId } = bars;
  // c_u: +1 on the bar after a complete label's t, −1 on the bar after its t1
  const delta = new Int32Array(length + 1);
  for (let t = 0; t < length; t++) {
    const n = held[t]!;
    if (n > 0) {
      delta[t + 1]!++;
      delta[t + n + 1]!--;
    }
  }
  const inverse = new Float64Array(length);
  const weighted = new Float64Array(length);
  let c = 0;
  let sumInverse = 0;
  let sumWeighted = 0;
  for (let u = 0; u < length; u++) {
    if (u > 0 && rootId[u] !== rootId[u - 1]) {
      sumInverse = 0;
      sumWeighted = 0;
    }
    c += delta[u]!;
    if (c > 0) {
      sumInverse += 1 / c;
      sumWeighted += r[u]! / c;
    }
    inverse[u] = sumInverse;
    weighted[u] = sumWeighted;
  }
  for (let t = 0; t < length; t++) {
    const n = held[t]!;
    if (n > 0) {
      uniqueness[t] = (inverse[t + n]! - inverse[t]!) / n;
      attributed[t] = Math.abs(weighted[t + n]! - weighted[t]!);
    } else {
      uniqueness[t] = NaN;
      attributed[t] = NaN;
    }
  }
}

/** Refuse bars that do not arrive numbered 1, 2, 3, … (the touch search reads neighbours by position). */
function assertInOrder(g: Int32Array): void {
  for (let i = 1; i < g.length; i++) {
    if (g[i] !== g[i - 1]! + 1) throw new MaterializeError(`The labels kernel read bars out of g order (row ${i}: g ${g[i - 1]} then ${g[i]}).`, { hint: "Its input query must end with ORDER BY g." });
  }
}

/** Positions of the month's bars: the rows output. */
function monthRows(inMonth: Uint8Array): Int32Array {
  let n = 0;
  for (let t = 0; t < inMonth.length; t++) n += inMonth[t]!;
  const rows = new Int32Array(n);
  for (let t = 0, i = 0; t < inMonth.length; t++) if (inMonth[t] === 1) rows[i++] = t;
  return rows;
}

/** values[rows[i]] for each i (Int32). */
function gatherInt32(values: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

/** Timestamps at `at[i]` (or at rows[i] + offsets[i]), copied as pairs of 32-bit words: no BigInt per value. */
function gatherTimestamps(ts32: Int32Array, rows: Int32Array, offsets?: Int32Array): BigInt64Array {
  const out = new BigInt64Array(rows.length);
  const out32 = new Int32Array(out.buffer);
  for (let i = 0; i < rows.length; i++) {
    const t = rows[i]! + (offsets ? offsets[rows[i]!]! : 0);
    out32[2 * i] = ts32[2 * t]!;
    out32[2 * i + 1] = ts32[2 * t + 1]!;
  }
  return out;
}

/** Mean of |Σ r_u / c_u| over the month's complete labels, summed in g order (the same bytes every run). */
function monthMean(rows: Int32Array, held: Int32Array, attributed: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const t = rows[i]!;
    if (held[t]! > 0) {
      sum += attributed[t]!;
      count++;
    }
  }
  return count > 0 ? sum / count : 0;
}

interface SpanColumns {
  complete: Uint8Array;
  t1: BigInt64Array;
  logRatio: Float64Array;
  uniqueness: Float64Array;
  weight: Float64Array;
}

/** What a span's modes share, per month row: completeness, end bar, log ratio of adjusted closes, uniqueness, weight. */
function spanColumns(rows: Int32Array, held: Int32Array, ts32: Int32Array, adjustedClose: Float64Array, uniqueness: Float64Array, attributed: Float64Array): SpanColumns {
  const n = rows.length;
  const mean = monthMean(rows, held, attributed);
  const complete = new Uint8Array(n);
  const logRatio = new Float64Array(n);
  const unique = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = rows[i]!;
    const until = held[t]!;
    if (until === 0) {
      logRatio[i] = unique[i] = weight[i] = NaN;
      continue;
    }
    complete[i] = 1;
    logRatio[i] = Math.log(adjustedClose[t + until]! / adjustedClose[t]!);
    unique[i] = uniqueness[t]!;
    weight[i] = mean === 0 ? NaN : attributed[t]! / mean;
  }
  return { complete, t1: gatherTimestamps(ts32, rows, held), logRatio, uniqueness: unique, weight };
}

/** A mode's labels: 0 when neither barrier was touched, −1 when its stop was (alone or with the other), else +1. */
function modeLabels(rows: Int32Array, touched: Uint8Array, stop: number): Int8Array {
  const label = new Int8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const which = touched[rows[i]!]!;
    label[i] = which === 0 ? 0 : (which & stop) !== 0 ? -1 : 1;
  }
  return label;
}

function negated(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = -values[i]!;
  return out;
}

/** The kernel: the month's labels, in g order, one row per in-month bar. */
export function labelKernel(input: KernelInput): KernelOutput {
  assertInOrder(column(input, "g", Int32Array));
  const bars: LabelBars = {
    length: input.length,
    rootId: column(input, "root_id", Int32Array),
    sigma: column(input, "sigma", Float64Array),
    barsAfter: column(input, "bars_after", Int32Array),
    logClose: column(input, "log_close", Float64Array),
    logHigh: column(input, "log_high", Float64Array),
    logLow: column(input, "log_low", Float64Array),
  };
  const ts = column(input, "ts", BigInt64Array);
  const ts32 = new Int32Array(ts.buffer, ts.byteOffset, 2 * ts.length);
  const adjustedClose = column(input, "adjusted_close", Float64Array);
  const r = column(input, "r", Float64Array);
  const rows = monthRows(column(input, "in_month", Uint8Array));

  const output: KernelOutput = { root_id: gatherInt32(bars.rootId, rows), ts: { values: gatherTimestamps(ts32, rows), type: "TIMESTAMP" } };
  for (const set of BARRIER_SETS) {
    const complete = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) complete[i] = bars.sigma[rows[i]!]! > 0 && bars.barsAfter[rows[i]!]! >= set.horizon ? 1 : 0;
    output[`complete_${set.name}`] = { values: complete, type: "BOOLEAN" };
  }
  const blocks = blockExtremes(bars);
  const held = new Int32Array(input.length);
  const touched = new Uint8Array(input.length);
  const uniqueness = new Float64Array(input.length);
  const attributed = new Float64Array(input.length);
  for (const plan of SPAN_PLANS) {
    firstTouches(plan, bars, blocks, held, touched);
    concurrencyWeights(bars, r, held, uniqueness, attributed);
    // what the span's modes share is computed once; only the label and the return's sign differ
    const shared = spanColumns(rows, held, ts32, adjustedClose, uniqueness, attributed);
    for (const mode of plan.modes) {
      // long stops at the down barrier, short at the up one
      output[mode.mode] = { values: modeLabels(rows, touched, mode.direction === 1 ? DOWN : UP), valid: shared.complete };
      output[`${mode.mode}_t1`] = { values: shared.t1, valid: shared.complete, type: "TIMESTAMP" };
      output[`${mode.mode}_ret`] = mode.direction === 1 ? shared.logRatio : negated(shared.logRatio);
      output[`${mode.mode}_uniqueness`] = shared.uniqueness;
      output[`${mode.mode}_weight`] = shared.weight;
    }
  }
  return output;
}
