/**
 * Rolling windows of "the n bars ending at t" as streaming SQL.
 *
 * DuckDB computes a partitioned window aggregate (`avg(x) OVER (PARTITION BY
 * root ORDER BY ts ROWS n PRECEDING)`) with a segment tree per aggregate:
 * ~0.15 CPU-s each over a month of bars, and the features need ~40. Over
 * rows already sorted by (root, ts), `lag(x, k) OVER ()` streams and costs
 * next to nothing (profiled: three lags over 350k rows in 4 ms), and even a
 * streaming running sum costs ~25 ns a row. So every window here is built
 * from lags only, by binary lifting:
 *
 * - a term's block of level k is its sum over the 2^k bars ending at t: the
 *   block of level k − 1 plus the same block 2^(k−1) bars earlier;
 * - a window of n bars is the disjoint blocks of n's binary digits
 *   (240 = 128 + 64 + 32 + 16), each a lag of a block column;
 * - the close also carries M2 = Σ(x − mean)², merged with Chan's formula, so a
 *   price variance never subtracts two large, nearly equal sums;
 * - max/min over n bars are two overlapping blocks of the largest power of
 *   two ≤ n.
 *
 * Rows of the previous root sit right before a root's first bar, so a window
 * of n bars is only valid once the root has n bars (`bar_index >= n`):
 * callers guard every feature with that.
 */

export interface BlockTerm {
  /** Column prefix of the blocks: `<name>_<k>`. */
  name: string;
  /** SQL of the term's value at one bar. */
  value: string;
  /** The longest window the term is summed over. */
  longest: number;
  /** Also carry M2 (for a variance that must not cancel). */
  m2?: boolean;
}

export interface ExtremeTerm {
  name: string;
  value: string;
  kind: "max" | "min";
  longest: number;
}

/** x² as a product: DuckDB's `^` calls pow(), several times slower (profiled), and the product's operands are one common subexpression. */
export function squared(x: string): string {
  return `(${x}) * (${x})`;
}

function levelsFor(longest: number): number {
  return Math.floor(Math.log2(longest));
}

/** Deepest level any term needs: one streaming layer per level. */
export function deepestLevel(terms: ReadonlyArray<{ longest: number }>): number {
  return Math.max(...terms.map((t) => levelsFor(t.longest)));
}

/** Level-0 columns: the terms' values at one bar. */
export function levelZero(sums: readonly BlockTerm[], extremes: readonly ExtremeTerm[]): string {
  return [
    ...sums.flatMap((t) => [`${t.value} AS ${t.name}_0`, ...(t.m2 ? [`0.0 AS ${t.name}_m2_0`] : [])]),
    ...extremes.map((t) => `${t.value} AS ${t.name}_0`),
  ].join(",\n    ");
}

/** Columns of level k (2^k bars ending at t) from level k − 1: two adjacent halves of h = 2^(k−1) bars. */
export function level(k: number, sums: readonly BlockTerm[], extremes: readonly ExtremeTerm[]): string {
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
export function windowSum(term: string, n: number): string {
  return `(${blocksOf(n)
    .map((b) => blockColumn(term, b))
    .join(" + ")})`;
}

/** M2 of a term (declared with `m2`) over the n bars ending at t: its blocks merged one by one (Chan). */
export function windowM2(term: string, n: number): string {
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
export function windowExtreme(term: ExtremeTerm, n: number): string {
  const k = levelsFor(n);
  const pick = term.kind === "max" ? "greatest" : "least";
  return 2 ** k === n ? `${term.name}_${k}` : `${pick}(${term.name}_${k}, lag(${term.name}_${k}, ${n - 2 ** k}) OVER ())`;
}
