/**
 * A crafted month of ES bars: session A (front ESH4, with ESM4 out-trading it
 * at the end), then session B on ESM4 — a roll at a session boundary — with a
 * 30-point jump at B's 150th bar. Features and labels are pinned to values
 * computed by hand or by the straightforward loops below.
 */
import { landingKey } from "../../src/assets/market";
import { join } from "node:path";
import { materialize, runChecks } from "../../src/execution";
import type { CheckResult } from "../../src/resources/catalog";
import { DuckDbSession, quoteLiteral } from "../../src/resources/duckdb";
import { labelKernel } from "../../src/assets/market/label-kernel";
import { rowsAlignedSql, trainingSetSql } from "../../src/assets/market/sql/training-set";
import { marketHarness, putCsvZst, readPublished, type MarketHarness } from "./market-harness";

const MONTH = "2024-03";
const SESSION_A_OPEN = Date.UTC(2024, 2, 4, 23, 0); // 17:00 CST, session of 2024-03-05
const SESSION_B_OPEN = SESSION_A_OPEN + 86_400_000;
const BARS = 300;

interface Bar {
  ts: number;
  symbol: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

function makeBar(ts: number, symbol: string, open: number, close: number, volume: number): Bar {
  return { ts, symbol, open, close, high: Math.max(open, close) + 0.25, low: Math.min(open, close) - 0.25, volume };
}

const closeA = (i: number): number => 5000 + 0.25 * (i % 7);
const closeB = (j: number): number => 5051.25 + 0.25 * (j % 5) + (j >= 150 ? 30 : 0);

function craftedBars(): Bar[] {
  const bars: Bar[] = [];
  for (let i = 0; i < BARS; i++) {
    const ts = SESSION_A_OPEN + i * 60_000;
    bars.push(makeBar(ts, "ESH4", closeA(Math.max(i - 1, 0)), closeA(i), 10 + (i % 3)));
    // ESM4 trades the last 100 minutes of A with more volume than ESH4 trades all session.
    if (i >= 200) bars.push(makeBar(ts, "ESM4", closeA(i - 1) + 50, closeA(i) + 50, 50));
  }
  for (let j = 0; j < BARS; j++) {
    const ts = SESSION_B_OPEN + j * 60_000;
    bars.push(makeBar(ts, "ESM4", closeB(Math.max(j - 1, 0)), closeB(j), 10 + (j % 3)));
    if (j < 10) bars.push(makeBar(ts, "ESH4", 5002, 5002, 1));
  }
  return bars;
}

function vendorSql(bars: Bar[]): string {
  const fx = (p: number): string => `${Math.round(p * 4) * 250_000_000}`;
  const rows = bars.map(
    (b) => `(${BigInt(b.ts) * 1_000_000n}, 33, 1, ${b.symbol === "ESH4" ? 1 : 2}, ${fx(b.open)}, ${fx(b.high)}, ${fx(b.low)}, ${fx(b.close)}, ${b.volume}, '${b.symbol}')`,
  );
  return `SELECT * FROM (VALUES ${rows.join(", ")}) t(ts_event, rtype, publisher_id, instrument_id, open, high, low, close, volume, symbol)`;
}

/** The front series as the pipeline should build it, session A scaled by the roll ratio. */
function adjustedFront(bars: Bar[]): { bars: Bar[]; ratio: number } {
  const ratio = (closeA(BARS - 1) + 50) / closeA(BARS - 1);
  const a = bars.filter((b) => b.symbol === "ESH4" && b.ts < SESSION_B_OPEN);
  const b = bars.filter((x) => x.symbol === "ESM4" && x.ts >= SESSION_B_OPEN);
  const scale = (x: Bar): Bar => ({ ...x, open: x.open * ratio, high: x.high * ratio, low: x.low * ratio, close: x.close * ratio });
  return { bars: [...a.map(scale), ...b], ratio };
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const sampleSd = (xs: number[]): number => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

describe("market features and labels on a crafted series with a roll", () => {
  let h: MarketHarness;
  const bars = craftedBars();
  const front = adjustedFront(bars);
  const c = front.bars.map((b) => b.close);
  type Row = Record<string, number | string | null | boolean>;
  let features: Row[] = [];
  let labels: Row[] = [];

  beforeAll(async () => {
    h = marketHarness();
    await putCsvZst(h, landingKey(MONTH), vendorSql(bars));
    const run = await materialize(h.definitions, { selection: "group:market", partitions: [MONTH], env: h.env });
    expect(run.steps.map((s) => [s.step, s.status, s.error?.message])).toEqual(expect.arrayContaining([["market/training_set", "published", undefined]]));
    features = await readPublished<Row>(h, "market/features", MONTH, "SELECT * EXCLUDE (ts, session_date), epoch_ms(ts)::DOUBLE AS ts FROM data ORDER BY ts");
    labels = await readPublished<Row>(h, "market/labels", MONTH, "SELECT * EXCLUDE (ts, long_scalp_t1, short_scalp_t1), epoch_ms(ts)::DOUBLE AS ts, epoch_ms(long_scalp_t1)::DOUBLE AS long_scalp_t1, epoch_ms(short_scalp_t1)::DOUBLE AS short_scalp_t1 FROM data ORDER BY ts");
  });

  it("keeps one contract per session and sets the roll ratio on the first bar after the roll", async () => {
    const rows = await readPublished<{ symbol: string; n: bigint; ratio: number | null }>(h, "market/front_month_bars", MONTH, "SELECT symbol, count(*) AS n, max(roll_ratio) AS ratio FROM data GROUP BY symbol ORDER BY symbol");
    expect(rows).toEqual([
      { symbol: "ESH4", n: 300n, ratio: null },
      { symbol: "ESM4", n: 300n, ratio: front.ratio },
    ]);
  });

  it("pins hand-computed features across the roll and the session boundary", () => {
    expect(features).toHaveLength(2 * BARS);
    const rollBar = features[BARS]!;
    // The roll ratio is ESM4/ESH4 at A's last minute and ESM4 opens B at that price: no return.
    expect(rollBar.ret_1).toBeCloseTo(0, 12);
    expect(rollBar.ret_5).toBeCloseTo(Math.log(c[BARS]! / c[BARS - 5]!), 12);
    expect(rollBar.minutes_to_close).toBe(1380);
    expect(rollBar.tod_sin).toBeCloseTo(0, 12);
    expect(rollBar.tod_cos).toBeCloseTo(1, 12);
    // First bar of a session: its VWAP is its own typical price.
    const b0 = front.bars[BARS]!;
    expect(rollBar.session_vwap_dist).toBeCloseTo(b0.close / ((b0.high + b0.low + b0.close) / 3) - 1, 12);
    expect(rollBar.bar_range).toBeCloseTo((b0.high - b0.low) / b0.close, 12);
    // (C − L) / (H − L) divides differences of back-adjusted prices ~1e4 times the bar's range: ~1e-12 of rounding
    expect(rollBar.close_location).toBeCloseTo((b0.close - b0.low) / (b0.high - b0.low), 11);

    const k = BARS + 20; // 20 minutes into session B
    expect(features[k]!.minutes_to_close).toBe(1360);
    expect(features[k]!.tod_sin).toBeCloseTo(Math.sin((2 * Math.PI * 20) / 1380), 12);
    const window = c.slice(k - 19, k + 1);
    expect(features[k]!.zscore_20).toBeCloseTo((c[k]! - mean(window)) / sampleSd(window), 9);
    // RSI over the 14 one-bar changes ending at k
    const changes = c.slice(k - 13, k + 1).map((x, i) => x - c[k - 14 + i]!);
    const gain = mean(changes.map((d) => Math.max(d, 0)));
    const loss = mean(changes.map((d) => Math.max(-d, 0)));
    expect(features[k]!.rsi_14).toBeCloseTo(100 - 100 / (1 + gain / loss), 9);
    const returns = c.slice(k - 60, k + 1).map((x, i, all) => (i === 0 ? 0 : Math.log(x / all[i - 1]!))).slice(1);
    expect(features[k]!.rv_60).toBeCloseTo(sampleSd(returns), 12);
  });

  it("passes the blocking feature checks: NULL rate after warm-up and no look-ahead", async () => {
    const manifest = await h.env.catalog.readManifest("market/features", MONTH);
    const checks = Object.fromEntries((manifest?.checks ?? []).map((check) => [check.check, check]));
    expect(checks.null_rate_after_warm_up).toMatchObject({ passed: true, failingCount: 0 });
    expect(checks.no_look_ahead).toMatchObject({ passed: true, measured: 0 });
    expect(checks.no_look_ahead?.message).toMatch(/compared [1-9]\d* bars/);
  });

  it("leaves a feature NULL until its window is full", () => {
    expect(features[13]!.rsi_14).toBeNull();
    expect(features[14]!.rsi_14).not.toBeNull();
    expect(features[239]!.rv_240).toBeNull();
    expect(features[240]!.rv_240).not.toBeNull();
    expect(features[32]!.macd_signal).toBeNull();
    expect(features[33]!.macd_signal).not.toBeNull();
  });

  it("labels the bar before the jump: long takes profit, short is stopped, both at the jump bar", () => {
    const before = labels[BARS + 149]!;
    const jumpTs = SESSION_B_OPEN + 150 * 60_000;
    expect(before).toMatchObject({ long_scalp: 1, short_scalp: -1, long_scalp_t1: jumpTs, short_scalp_t1: jumpTs, complete_scalp: true });
    expect(before.long_scalp_ret).toBeCloseTo(Math.log(c[BARS + 150]! / c[BARS + 149]!), 12);
    expect(before.short_scalp_ret).toBeCloseTo(-Math.log(c[BARS + 150]! / c[BARS + 149]!), 12);
  });

  it("matches a straightforward triple-barrier loop for every complete scalp label", () => {
    let compared = 0;
    for (let t = 61; t < 2 * BARS - 15; t++) {
      const sigma = features[t]!.rv_60 as number;
      const width = sigma * Math.sqrt(15);
      let label = 0;
      let end = t + 15;
      for (let j = t + 1; j <= t + 15; j++) {
        const up = Math.log(front.bars[j]!.high / c[t]!) >= width;
        const down = Math.log(front.bars[j]!.low / c[t]!) <= -width;
        if (up || down) {
          label = down ? -1 : 1;
          end = j;
          break;
        }
      }
      expect([t, labels[t]!.long_scalp, labels[t]!.long_scalp_t1]).toEqual([t, label, front.bars[end]!.ts]);
      compared++;
    }
    expect(compared).toBeGreaterThan(500);
  });

  it("leaves labels whose horizon runs past the data NULL and incomplete, and keeps them out of the training set", async () => {
    const last = labels[2 * BARS - 1]!;
    expect(last).toMatchObject({ long_scalp: null, complete_scalp: false, long_swing: null, complete_swing: false });
    const [row] = await readPublished<{ n: bigint; nulls: bigint }>(h, "market/training_set", MONTH, "SELECT count(*) AS n, count(*) FILTER (WHERE long_swing IS NULL) AS nulls FROM data");
    expect(row!.nulls).toBe(0n);
    expect(Number(row!.n)).toBe(labels.filter((l) => l.complete_swing === true).length);
  });

  it("pairs aligned features and labels by position, the same rows as a join by key; misaligned ones by key", async () => {
    const manifest = await h.env.catalog.readManifest("market/training_set", MONTH);
    expect(manifest?.metadata).toMatchObject({ pairedBy: "position" });
    // paired by position, rows keep the features' (root, ts) order
    const [unordered] = await readPublished<{ n: bigint }>(
      h, "market/training_set", MONTH,
      "SELECT count(*) AS n FROM (SELECT root, ts, lag(root) OVER () AS prev_root, lag(ts) OVER () AS prev_ts FROM data) WHERE prev_root > root OR (prev_root = root AND prev_ts >= ts)",
    );
    expect(unordered?.n).toBe(0n);
    const path = async (asset: string) => h.store.localPath((await h.env.catalog.readManifest(asset, MONTH))!.dataKey, join(h.dir, "scratch"));
    const db = await DuckDbSession.open({ memoryLimit: "256MB", tempDir: join(h.dir, "spill") });
    try {
      await db.run(`CREATE VIEW features AS SELECT * FROM read_parquet(${quoteLiteral(await path("market/features"))})`);
      await db.run(`CREATE VIEW labels AS SELECT * FROM read_parquet(${quoteLiteral(await path("market/labels"))})`);
      const [aligned] = await db.all<{ aligned: boolean }>(rowsAlignedSql());
      expect(aligned?.aligned).toBe(true);
      const [diff] = await db.all<{ n: bigint; rows: bigint }>(
        `SELECT (SELECT count(*) FROM ((${trainingSetSql("position")}) EXCEPT ALL (${trainingSetSql("key")}))) AS n, (SELECT count(*) FROM (${trainingSetSql("position")})) AS rows`,
      );
      expect(diff?.n).toBe(0n);
      expect(Number(diff?.rows)).toBeGreaterThan(0);
      // one label row missing: positions no longer pair the same bars
      await db.run(`CREATE OR REPLACE VIEW labels AS SELECT * FROM read_parquet(${quoteLiteral(await path("market/labels"))}) WHERE ts <> (SELECT min(ts) FROM features)`);
      const [misaligned] = await db.all<{ aligned: boolean }>(rowsAlignedSql());
      expect(misaligned?.aligned).toBe(false);
    } finally {
      await db.close();
    }
  });

  it("weights: uniqueness in (0, 1] and attribution weights of mean 1 per mode", () => {
    const complete = labels.filter((l) => l.complete_scalp === true);
    const weights = complete.map((l) => l.long_scalp_weight as number);
    expect(mean(weights)).toBeCloseTo(1, 9);
    for (const l of complete) {
      expect(l.long_scalp_uniqueness as number).toBeGreaterThan(0);
      expect(l.long_scalp_uniqueness as number).toBeLessThanOrEqual(1 + 1e-12);
    }
    // The first complete label spans bars nobody else covers at its start: uniqueness 1/1 there at least.
    expect(complete.some((l) => (l.long_scalp_uniqueness as number) < 1)).toBe(true);
  });

  /**
   * Run an asset's real checks on a tampered copy of its published month:
   * `tamper` selects from `published` (the asset's data); the front-month
   * bars are visible as `front_month_bars`, as they are to the step.
   */
  async function checksOnTampered(asset: string, tamper: string): Promise<Record<string, CheckResult>> {
    const db = await DuckDbSession.open({ memoryLimit: "256MB", tempDir: join(h.dir, "spill") });
    const parquet = async (key: string): Promise<string> => {
      const manifest = await h.env.catalog.readManifest(key, MONTH);
      return quoteLiteral(await h.store.localPath(manifest!.dataKey, join(h.dir, "scratch")));
    };
    try {
      await db.run(`CREATE VIEW published AS SELECT * FROM read_parquet(${await parquet(asset)})`);
      await db.run(`CREATE VIEW front_month_bars AS SELECT * FROM read_parquet(${await parquet("market/front_month_bars")})`);
      await db.run(`CREATE TABLE output AS ${tamper}`);
      const results = await runChecks(h.definitions.graph.node(asset).checks, {
        db,
        asset,
        partition: MONTH,
        timeWindow: { start: new Date(Date.UTC(2024, 2, 1)), end: new Date(Date.UTC(2024, 3, 1)) },
        runId: "tampered",
        schema: await db.describe("output"),
        previousSchema: undefined,
        viewOf: () => Promise.reject(new Error("not needed")),
      });
      return Object.fromEntries(results.map((r) => [r.check, r]));
    } finally {
      await db.close();
    }
  }

  describe("checks catch injected defects", () => {
    it("no look-ahead: a feature that reads the next bar fails, naming the feature", async () => {
      const checks = await checksOnTampered("market/features", "SELECT * REPLACE (lead(ret_1) OVER (PARTITION BY root ORDER BY ts) AS ret_1) FROM published");
      expect(checks.no_look_ahead).toMatchObject({ passed: false, blocking: true });
      expect(checks.no_look_ahead!.measured).toBeGreaterThan(0);
      expect(JSON.stringify(checks.no_look_ahead!.failingSample)).toContain("ret_1");
      expect(checks.null_rate_after_warm_up?.passed).toBe(true);
    });

    it("NULL rate: a feature missing on 10% of warmed-up bars fails, naming the feature", async () => {
      const checks = await checksOnTampered("market/features", "SELECT * REPLACE (CASE WHEN minute(ts) % 10 = 0 THEN NULL ELSE rv_60 END AS rv_60) FROM published");
      expect(checks.null_rate_after_warm_up).toMatchObject({ passed: false, blocking: true, failingCount: 1 });
      expect(checks.null_rate_after_warm_up!.failingSample[0]).toMatchObject({ feature: "rv_60" });
      expect(checks.null_rate_after_warm_up!.failingSample[0]!.null_rate as number).toBeCloseTo(0.1, 1);
    });

    it("front-month bars: a repeated minute and a second contract in a session fail", async () => {
      const repeated = await checksOnTampered("market/front_month_bars", "SELECT * FROM published UNION ALL (SELECT * FROM published ORDER BY ts LIMIT 1)");
      expect(repeated.ts_strictly_increasing_per_root).toMatchObject({ passed: false, failingCount: 1 });
      const switched = await checksOnTampered("market/front_month_bars", "SELECT * REPLACE (CASE WHEN minute(ts) = 7 THEN 'ESU4' ELSE symbol END AS symbol) FROM published");
      expect(switched.one_contract_per_root_session).toMatchObject({ passed: false, failingCount: 2 });
      expect(switched.ts_strictly_increasing_per_root?.passed).toBe(true);
    });

    it("labels: weights off their mean of 1 block, one-sided labels warn", async () => {
      const scaled = await checksOnTampered("market/labels", "SELECT * REPLACE (long_swing_weight * 2 AS long_swing_weight) FROM published");
      expect(scaled.weights_mean_one).toMatchObject({ passed: false, blocking: true });
      const oneSided = await checksOnTampered("market/labels", "SELECT * REPLACE (CASE WHEN long_scalp IS NOT NULL THEN 1 END::TINYINT AS long_scalp) FROM published");
      expect(oneSided.label_class_balance).toMatchObject({ passed: false, blocking: false, severity: "warn" });
      expect(oneSided.weights_mean_one?.passed).toBe(true);
    });
  });
});

describe("labels kernel's order guard", () => {
  it("refuses bars that do not arrive in g order instead of labelling from the wrong ones", () => {
    const input = (g: number[]) => ({
      length: g.length,
      columns: {
        g: Int32Array.from(g),
        root_id: new Int32Array(g.length).fill(1),
        ts: BigInt64Array.from(g, (x) => BigInt(x) * 60_000_000n),
        in_month: new Uint8Array(g.length).fill(1),
        sigma: new Float64Array(g.length).fill(0.001),
        bars_after: Int32Array.from(g, (_, i) => g.length - 1 - i),
        log_close: new Float64Array(g.length),
        log_high: new Float64Array(g.length),
        log_low: new Float64Array(g.length),
        adjusted_close: new Float64Array(g.length).fill(1),
        r: new Float64Array(g.length),
      },
      valid: {},
    });
    expect(() => labelKernel(input([1, 2, 3, 4]))).not.toThrow();
    expect(() => labelKernel(input([1, 3, 2, 4]))).toThrow("The labels kernel read bars out of g order (row 1: g 1 then 3)");
  });
});
