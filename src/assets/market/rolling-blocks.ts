/**
 * Rolling windows of "the n rows ending at t" over typed arrays, by binary
 * lifting, so that a window's value depends on its own n rows only — in the
 * same order of additions wherever the series starts. That is what makes
 * features recomputed on data truncated at a bar equal the published ones
 * bit for bit (the no-look-ahead check): a running sum minus the sum n rows
 * earlier would carry the rounding of every row since the start.
 *
 * - level k of a term is its sum over the 2^k rows ending at t: level k − 1
 *   plus the same level 2^(k−1) rows earlier;
 * - a window of n rows is the disjoint blocks of n's binary digits, newest
 *   first (240 = 128 + 64 + 32 + 16), added left to right;
 * - a term may carry M2 = Σ(x − mean)², merged with Chan's formula, so a
 *   variance never subtracts two large, nearly equal sums;
 * - max/min over n rows are two overlapping blocks of the largest power of
 *   two ≤ n.
 *
 * A window reaching before the first row is NaN (for max/min, the rows
 * there are); callers guard each window with the row's index in its series.
 */

/**
 * Arrays of one length handed out and taken back: a month's windows need a
 * few hundred arrays of ~300k doubles, and fresh ones cost page faults and
 * garbage collection several times the arithmetic (profiled).
 */
export class ArrayPool {
  private readonly free: Float64Array[] = [];
  private taken: Float64Array[] = [];
  private size: number;

  /** Arrays of up to `capacity` doubles, handed out `resize`'s length long. */
  constructor(private readonly capacity: number) {
    this.size = capacity;
  }

  /** The length of the arrays handed out from now on (≤ the capacity). */
  resize(length: number): void {
    if (length > this.capacity) throw new RangeError(`arrays of ${length} from a pool of ${this.capacity}`);
    this.size = length;
  }

  /** An array of the pool's length, its contents whatever it last held; back to the pool when the scope it was taken in ends. */
  take(): Float64Array {
    const array = this.free.pop() ?? new Float64Array(this.capacity);
    this.taken.push(array);
    return array.subarray(0, this.size);
  }

  /** Run `work`; every array taken meanwhile goes back to the pool after it (so `work` must not keep one). */
  scope(work: () => void): void {
    const outer = this.taken;
    this.taken = [];
    try {
      work();
    } finally {
      this.free.push(...this.taken);
      this.taken = outer;
    }
  }
}

function levelsFor(longest: number): number {
  return Math.floor(Math.log2(longest));
}

interface Block {
  level: number;
  /** Rows between t and the block's newest row. */
  offset: number;
}

/** The disjoint blocks making up the n rows ending at t, newest first (n's binary digits). */
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

/** `level` shifted `offset` rows back, added into `into` (NaN where it reaches before row 0). */
function addShifted(into: Float64Array, level: Float64Array, offset: number): void {
  const n = into.length;
  into.fill(NaN, 0, Math.min(offset, n));
  for (let t = offset; t < n; t++) into[t] = into[t]! + level[t - offset]!;
}

/** `level` shifted `offset` rows back into `out` (NaN where it reaches before row 0). */
function shifted(out: Float64Array, level: Float64Array, offset: number): Float64Array {
  out.fill(NaN, 0, Math.min(offset, level.length));
  out.set(level.subarray(0, Math.max(0, level.length - offset)), offset);
  return out;
}

/** Sums of one term over blocks of 2^k rows, for every window up to `longest` rows. */
export class BlockSums {
  private readonly sums: Float64Array[];
  private readonly m2s: Float64Array[] | undefined;

  constructor(
    private readonly pool: ArrayPool,
    values: Float64Array,
    longest: number,
    options: { m2?: boolean } = {},
  ) {
    const n = values.length;
    this.sums = [values];
    this.m2s = options.m2 ? [pool.take().fill(0)] : undefined;
    for (let k = 1; k <= levelsFor(longest); k++) {
      const h = 2 ** (k - 1);
      const half = this.sums[k - 1]!;
      const sum = pool.take().fill(NaN, 0, Math.min(h, n));
      for (let t = h; t < n; t++) sum[t] = half[t]! + half[t - h]!;
      this.sums.push(sum);
      if (this.m2s) {
        // Chan: M2 = M2_a + M2_b + δ²·h/2, δ the difference of the halves' means (here of their sums, over 2h)
        const m2Half = this.m2s[k - 1]!;
        const m2 = pool.take().fill(NaN, 0, Math.min(h, n));
        for (let t = h; t < n; t++) {
          const d = half[t]! - half[t - h]!;
          m2[t] = m2Half[t]! + m2Half[t - h]! + (d * d) / (2 * h);
        }
        this.m2s.push(m2);
      }
    }
  }

  /** Σ over the n rows ending at each row (an array of the pool's). */
  window(n: number): Float64Array {
    const [first, ...rest] = blocksOf(n);
    const out = shifted(this.pool.take(), this.sums[first!.level]!, first!.offset);
    for (const block of rest) addShifted(out, this.sums[block.level]!, block.offset);
    return out;
  }

  /** M2 over the n rows ending at each row: the blocks merged newest first (Chan). */
  m2Window(n: number): Float64Array {
    if (!this.m2s) throw new TypeError("these block sums carry no M2");
    const [first, ...rest] = blocksOf(n);
    const m2 = shifted(this.pool.take(), this.m2s[first!.level]!, first!.offset);
    const sum = shifted(this.pool.take(), this.sums[first!.level]!, first!.offset);
    let count = 2 ** first!.level;
    for (const block of rest) {
      const size = 2 ** block.level;
      const weight = (count * size) / (count + size);
      const blockSum = this.sums[block.level]!;
      const blockM2 = this.m2s[block.level]!;
      for (let t = 0; t < m2.length; t++) {
        const at = t - block.offset;
        if (at < 0) {
          m2[t] = sum[t] = NaN;
          continue;
        }
        const s = blockSum[at]!;
        const delta = s / size - sum[t]! / count;
        m2[t] = m2[t]! + blockM2[at]! + delta * delta * weight;
        sum[t] = sum[t]! + s;
      }
      count += size;
    }
    return m2;
  }
}

/** Max or min of one term over blocks of 2^k rows; a block reaching before row 0 holds the rows there are. */
export class BlockExtremes {
  private readonly levels: Float64Array[];

  constructor(
    private readonly pool: ArrayPool,
    values: Float64Array,
    longest: number,
    private readonly kind: "max" | "min",
  ) {
    const n = values.length;
    this.levels = [values];
    for (let k = 1; k <= levelsFor(longest); k++) {
      const h = 2 ** (k - 1);
      const half = this.levels[k - 1]!;
      const level = pool.take();
      level.set(half.subarray(0, Math.min(h, n)));
      if (kind === "max") for (let t = h; t < n; t++) level[t] = half[t]! > half[t - h]! ? half[t]! : half[t - h]!;
      else for (let t = h; t < n; t++) level[t] = half[t]! < half[t - h]! ? half[t]! : half[t - h]!;
      this.levels.push(level);
    }
  }

  /** Max (min) over the n rows ending at each row: two overlapping blocks (an array of the pool's). */
  window(n: number): Float64Array {
    const k = levelsFor(n);
    const level = this.levels[k]!;
    const back = n - 2 ** k;
    const out = this.pool.take();
    out.set(level);
    if (this.kind === "max") for (let t = back; t < out.length; t++) out[t] = level[t]! > level[t - back]! ? level[t]! : level[t - back]!;
    else for (let t = back; t < out.length; t++) out[t] = level[t]! < level[t - back]! ? level[t]! : level[t - back]!;
    return out;
  }
}
