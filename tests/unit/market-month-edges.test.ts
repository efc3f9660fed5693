/**
 * The market chain at its edges, on crafted series:
 * - back-adjustment per root: a root's features do not depend on another
 *   root's rolls, bit for bit, and the no-look-ahead check holds bit for bit
 *   with a roll before the bars it recomputes;
 * - label returns from the ratio of adjusted closes;
 * - uniqueness and weights counting the neighbouring months' labels that
 *   span the month's bars, normalised within the month (a brute-force
 *   triple-barrier loop over both months is the reference).
 */
import { landingKey } from "../../src/assets/market";
import { materialize } from "../../src/execution";
import { compareLabelsKernelWithSql } from "./market-labels-compare";
import { marketHarness, putCsvZst, readPublished, type MarketHarness } from "./market-harness";

interface Bar {
  ts: number;
  symbol: string;
  instrument: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

type Row = Record<string, number | string | boolean | null>;

const MINUTE = 60_000;

function bar(ts: number, symbol: string, instrument: number, open: number, close: number, volume: number): Bar {
  return { ts, symbol, instrument, open, close, high: Math.max(open, close) + 0.25, low: Math.min(open, close) - 0.25, volume };
}

/** A deterministic walk on a 0.25 grid (a small LCG: the same series every run). */
function walk(start: number, steps: number, seed: number): number[] {
  let state = seed;
  let price = start;
  const closes: number[] = [];
  for (let i = 0; i < steps; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    price += 0.25 * ((state >> 16) % 5 - 2);
    closes.push(price);
  }
  return closes;
}

function vendorSql(bars: Bar[]): string {
  const fx = (p: number): string => `${Math.round(p * 4) * 250_000_000}`;
  const rows = bars.map((b) => `(${BigInt(b.ts) * 1_000_000n}, 33, 1, ${b.instrument}, ${fx(b.open)}, ${fx(b.high)}, ${fx(b.low)}, ${fx(b.close)}, ${b.volume}, '${b.symbol}')`);
  return `SELECT * FROM (VALUES ${rows.join(", ")}) t(ts_event, rtype, publisher_id, instrument_id, open, high, low, close, volume, symbol)`;
}

async function publishMonths(h: MarketHarness, months: Record<string, Bar[]>): Promise<void> {
  for (const [month, bars] of Object.entries(months)) await putCsvZst(h, landingKey(month), vendorSql(bars));
  const run = await materialize(h.definitions, { selection: "group:market", partitions: Object.keys(months), env: h.env });
  expect(run.steps.filter((s) => s.status !== "published").map((s) => [s.id, s.status, s.error?.message])).toEqual([]);
}

const featureSql = "SELECT * EXCLUDE (ts, session_date, symbol), epoch_ms(ts)::DOUBLE AS ts FROM data ORDER BY root, ts";

describe("back-adjustment per root, and no look-ahead bit for bit", () => {
  // ES: session A on ESH4 (ESM4 out-trades it at the end), then a long session B on ESM4 — a roll early in the month,
  // before the bars the look-ahead check recomputes; NQ never rolls and sorts after ES.
  const MONTH = "2024-03";
  const sessionA = Date.UTC(2024, 2, 4, 23, 0);
  const sessionB = sessionA + 86_400_000;
  const closesA = walk(5000, 300, 1);
  const closesB = walk(5051.25, 1300, 2);
  const closesNq = walk(18000, 1600, 3);
  const frontTs = (i: number): number => (i < 300 ? sessionA + i * MINUTE : sessionB + (i - 300) * MINUTE);

  function esBars(): Bar[] {
    const bars: Bar[] = [];
    for (let i = 0; i < 300; i++) {
      const ts = sessionA + i * MINUTE;
      bars.push(bar(ts, "ESH4", 1, closesA[Math.max(i - 1, 0)]!, closesA[i]!, 10 + (i % 3)));
      if (i >= 200) bars.push(bar(ts, "ESM4", 2, closesA[Math.max(i - 1, 0)]! + 50, closesA[i]! + 50, 50));
    }
    for (let j = 0; j < 1300; j++) {
      const ts = sessionB + j * MINUTE;
      bars.push(bar(ts, "ESM4", 2, closesB[Math.max(j - 1, 0)]!, closesB[j]!, 10 + (j % 3)));
      if (j < 10) bars.push(bar(ts, "ESH4", 1, 5002, 5002, 1));
    }
    return bars;
  }
  // NQ trades the same minutes as ES's front contract, so the check's cut falls well inside ES's session B
  const nqBars = (): Bar[] => closesNq.map((c, i) => bar(frontTs(i), "NQH4", 3, closesNq[Math.max(i - 1, 0)]!, c, 20 + (i % 4)));

  let both: MarketHarness;
  let nqOnly: MarketHarness;
  beforeAll(async () => {
    both = marketHarness();
    nqOnly = marketHarness();
    await publishMonths(both, { [MONTH]: [...esBars(), ...nqBars()] });
    await publishMonths(nqOnly, { [MONTH]: nqBars() });
  });

  it("gives a root the same features, bit for bit, whether or not another root rolled before it in (root, ts) order", async () => {
    const withEs = await readPublished<Row>(both, "market/features", MONTH, featureSql.replace("FROM data", "FROM data WHERE root = 'NQ'"));
    const alone = await readPublished<Row>(nqOnly, "market/features", MONTH, featureSql);
    expect(alone).toHaveLength(1600);
    expect(withEs).toEqual(alone);
  });

  it("scales a root's bars before its first roll by exactly 1 (the roll ratio multiplies nothing but later bars)", async () => {
    const [row] = await readPublished<{ rolls: bigint }>(both, "market/front_month_bars", MONTH, "SELECT count(*) FILTER (WHERE roll_ratio IS NOT NULL) AS rolls FROM data WHERE root = 'ES'");
    expect(row?.rolls).toBe(1n);
    // ES's session A: its ret_1 is the plain log ratio of unadjusted closes, exactly as JavaScript computes it from the same doubles
    const features = await readPublished<Row>(both, "market/features", MONTH, featureSql.replace("FROM data", "FROM data WHERE root = 'ES'"));
    for (const i of [20, 150, 299]) expect(Math.abs((features[i]!.ret_1 as number) - Math.log(closesA[i]! / closesA[i - 1]!))).toBeLessThan(1e-18);
  });

  it("passes the no-look-ahead check bit for bit, with ES's roll before the recomputed bars", async () => {
    const manifest = await both.env.catalog.readManifest("market/features", MONTH);
    const check = manifest?.checks.find((c) => c.check === "no_look_ahead");
    expect(check).toMatchObject({ passed: true, measured: 0, threshold: 0 });
    expect(check?.message).toMatch(/compared 240 bars/);
  });

  it("takes each label's return from the ratio of adjusted closes", async () => {
    const labels = await readPublished<Row>(both, "market/labels", MONTH, "SELECT epoch_ms(ts)::DOUBLE AS ts, epoch_ms(long_scalp_t1)::DOUBLE AS t1, long_scalp_ret AS ret, short_scalp_ret AS short_ret FROM data WHERE root = 'ES' ORDER BY ts");
    let compared = 0;
    for (let i = 61; i < 285; i++) {
      const label = labels[i]!;
      if (label.t1 === null) continue;
      const end = Math.round(((label.t1 as number) - sessionA) / MINUTE);
      // within session A the adjustment is exactly 1: the ratio of the closes themselves (a difference of logs is off by ~1e-15)
      expect(Math.abs((label.ret as number) - Math.log(closesA[end]! / closesA[i]!))).toBeLessThan(1e-18);
      expect(label.short_ret).toBe(-(label.ret as number));
      compared++;
    }
    expect(compared).toBeGreaterThan(200);
  });
});

describe("no look-ahead at the start of a sparse month", () => {
  // February ends with a roll 350 bars before March's first bar (more than the features' 300-bar warm-up);
  // March has 100 bars, so the check's cut falls on its first day and three days back reach past the roll.
  const sessionA = Date.UTC(2024, 1, 27, 23, 0);
  const sessionB = sessionA + 86_400_000;
  const marchStart = Date.UTC(2024, 2, 1);
  const closesA = walk(5000, 300, 11);
  const closesB = walk(5051.25, 450, 12);

  function months(): Record<string, Bar[]> {
    const february: Bar[] = [];
    for (let i = 0; i < 300; i++) {
      const ts = sessionA + i * MINUTE;
      february.push(bar(ts, "ESH4", 1, closesA[Math.max(i - 1, 0)]!, closesA[i]!, 10 + (i % 3)));
      if (i >= 200) february.push(bar(ts, "ESM4", 2, closesA[Math.max(i - 1, 0)]! + 50, closesA[i]! + 50, 50));
    }
    for (let j = 0; j < 350; j++) february.push(bar(sessionB + j * MINUTE, "ESM4", 2, closesB[Math.max(j - 1, 0)]!, closesB[j]!, 10 + (j % 3)));
    const march = Array.from({ length: 100 }, (_, k) => bar(marchStart + k * MINUTE, "ESM4", 2, closesB[349 + k]!, closesB[350 + k]!, 10 + (k % 3)));
    return { "2024-02": february, "2024-03": march };
  }

  it("recomputes from where the step's own read began, so an older roll does not enter it: bit for bit", async () => {
    const h = marketHarness();
    await publishMonths(h, months());
    const rolls = await readPublished<{ rolls: bigint }>(h, "market/front_month_bars", "2024-02", "SELECT count(*) FILTER (WHERE roll_ratio IS NOT NULL) AS rolls FROM data");
    expect(rolls[0]?.rolls).toBe(1n);
    const check = (await h.env.catalog.readManifest("market/features", "2024-03"))?.checks.find((c) => c.check === "no_look_ahead");
    expect(check).toMatchObject({ passed: true, measured: 0 });
    expect(check?.message).toMatch(/compared [1-9]\d* bars/);
  });
});

describe("uniqueness and weights at month edges count the neighbouring months' labels", () => {
  // One ES contract from 2024-02-29 00:00 to 2024-03-01 08:00 UTC: the month boundary in the middle of a session.
  const first = Date.UTC(2024, 1, 29, 0, 0);
  const BARS = 1920;
  const closes = walk(5000, BARS, 7);
  const bars = closes.map((c, i) => bar(first + i * MINUTE, "ESH4", 1, closes[Math.max(i - 1, 0)]!, c, 10 + (i % 3)));
  const marchStart = Date.UTC(2024, 2, 1);
  const splitAt = bars.findIndex((b) => b.ts >= marchStart);

  const MODES = [
    { mode: "long_scalp", up: 1, down: 1, horizon: 15, profitUp: true },
    { mode: "short_intraday", up: 1, down: 2, horizon: 60, profitUp: false },
    { mode: "long_swing", up: 3, down: 1.5, horizon: 240, profitUp: true },
  ] as const;

  interface Expected {
    label: number;
    end: number;
    uniqueness: number;
    attributed: number;
  }

  let h: MarketHarness;
  let sigma: Array<number | null> = [];
  const published: Record<string, Row[]> = {};
  beforeAll(async () => {
    h = marketHarness();
    await publishMonths(h, { "2024-02": bars.slice(0, splitAt), "2024-03": bars.slice(splitAt) });
    const features = [
      ...(await readPublished<{ rv_60: number | null }>(h, "market/features", "2024-02", "SELECT rv_60 FROM data ORDER BY ts")),
      ...(await readPublished<{ rv_60: number | null }>(h, "market/features", "2024-03", "SELECT rv_60 FROM data ORDER BY ts")),
    ];
    sigma = features.map((f) => f.rv_60);
    expect(sigma).toHaveLength(BARS);
    const columns = MODES.map((m) => `${m.mode}, epoch_ms(${m.mode}_t1)::DOUBLE AS ${m.mode}_t1, ${m.mode}_uniqueness, ${m.mode}_weight`).join(", ");
    for (const month of ["2024-02", "2024-03"]) published[month] = await readPublished<Row>(h, "market/labels", month, `SELECT epoch_ms(ts)::DOUBLE AS ts, ${columns} FROM data ORDER BY ts`);
  });

  /** The spec, straight: every complete label of the whole series, c_u over all of them, weights normalised per month. */
  function reference(mode: (typeof MODES)[number], counted: (t: number) => boolean = () => true): Array<Expected | null> {
    const logs = bars.map((b) => ({ high: Math.log(b.high), low: Math.log(b.low), close: Math.log(b.close) }));
    const spans = bars.map((_, t) => {
      const s = sigma[t];
      if (s === null || s === undefined || !(s > 0) || t + mode.horizon >= BARS) return null;
      const width = s * Math.sqrt(mode.horizon);
      const upper = logs[t]!.close + mode.up * width;
      const lower = logs[t]!.close - mode.down * width;
      for (let j = t + 1; j <= t + mode.horizon; j++) {
        const up = logs[j]!.high >= upper;
        const down = logs[j]!.low <= lower;
        if (up || down) {
          const stop = mode.profitUp ? down : up;
          return { label: stop ? -1 : 1, end: j };
        }
      }
      return { label: 0, end: t + mode.horizon };
    });
    const concurrency = new Array<number>(BARS).fill(0);
    for (const [t, span] of spans.entries()) if (span && counted(t)) for (let u = t + 1; u <= span.end; u++) concurrency[u]!++;
    return spans.map((span, t) => {
      if (!span) return null;
      let inverse = 0;
      let attributed = 0;
      for (let u = t + 1; u <= span.end; u++) {
        inverse += 1 / concurrency[u]!;
        attributed += Math.log(bars[u]!.close / bars[u - 1]!.close) / concurrency[u]!;
      }
      return { ...span, uniqueness: inverse / (span.end - t), attributed: Math.abs(attributed) };
    });
  }

  it.each(MODES.map((m) => [m.mode, m] as const))("%s: uniqueness and weights equal the brute-force reference in both months, at both edges", (_name, mode) => {
    const expected = reference(mode);
    for (const [month, from, to] of [["2024-02", 0, splitAt], ["2024-03", splitAt, BARS]] as const) {
      const rows = published[month]!;
      const complete = expected.slice(from, to).filter((e): e is Expected => e !== null);
      const meanAttributed = complete.reduce((sum, e) => sum + e.attributed, 0) / complete.length;
      let compared = 0;
      for (let t = from; t < to; t++) {
        const row = rows[t - from]!;
        const e = expected[t];
        if (!e) {
          expect(row[mode.mode]).toBeNull();
          continue;
        }
        expect([t, row[mode.mode], row[`${mode.mode}_t1`]]).toEqual([t, e.label, bars[e.end]!.ts]);
        expect(Math.abs((row[`${mode.mode}_uniqueness`] as number) - e.uniqueness)).toBeLessThan(1e-12);
        expect(Math.abs((row[`${mode.mode}_weight`] as number) - e.attributed / meanAttributed)).toBeLessThan(1e-9);
        compared++;
      }
      expect(compared).toBeGreaterThan(100);
    }
  });

  it.each(["2024-02", "2024-03"])("%s: the labels kernel gives the labels and end bars of the SQL it replaced, and its returns, uniqueness and weights within rounding", async (month) => {
    const comparison = await compareLabelsKernelWithSql(h, month);
    expect(comparison).toMatchObject({ unpaired: 0, differentLabels: { long_scalp: 0, short_scalp: 0, long_intraday: 0, short_intraday: 0, long_swing: 0, short_swing: 0 } });
    expect(comparison.kernelRows).toBe(month === "2024-02" ? splitAt : BARS - splitAt);
    expect(comparison.completeLabels).toBeGreaterThan(200);
    expect(comparison.maxRetDiff).toBeLessThan(1e-15);
    expect(comparison.maxUniquenessDiff).toBeLessThan(1e-12);
    expect(comparison.maxWeightDiff).toBeLessThan(1e-12);
  });

  it("the month's first labels are less unique than their own month alone would say: the previous month's labels cover their bars", () => {
    const mode = MODES[2];
    const counted = reference(mode)[splitAt]!;
    const ownMonthOnly = reference(mode, (t) => t >= splitAt)[splitAt]!;
    expect(ownMonthOnly.uniqueness).toBeGreaterThan(2 * counted.uniqueness);
    expect(published["2024-03"]![0]!.long_swing_uniqueness).toBeCloseTo(counted.uniqueness, 12);
  });
});
