import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runGenerator } from "materia/testing";
import { landingKey, marketGenerator } from "../../src/assets/market";
import { DEFAULT_DEFECT_RATES } from "../../src/assets/market/vendor";
import { DuckDbSession, quoteLiteral } from "../../src/resources/duckdb";
import { createObjectStore } from "../../src/resources/object-store";

const MONTH = "2024-03";

function tempStore() {
  const dir = mkdtempSync(join(tmpdir(), "materia-market-gen-"));
  return { dir, store: createObjectStore(`file://${join(dir, "lake")}`) };
}

describe("the market generator", () => {
  const first = tempStore();
  let path = "";
  let sha = "";

  beforeAll(async () => {
    const generated = await runGenerator(marketGenerator, { store: first.store, from: MONTH, to: MONTH });
    sha = createHash("sha256").update(await first.store.getBytes(landingKey(MONTH))).digest("hex");
    path = await first.store.localPath(landingKey(MONTH), join(first.dir, "scratch"));
    expect(generated).toMatchObject({ files: 1, partitions: [MONTH] });
    expect(generated.rows).toBeGreaterThan(550_000);
    expect(generated.rows).toBeLessThan(700_000);
  });

  it("regenerates a month byte for byte", async () => {
    const second = tempStore();
    const progress: string[] = [];
    await runGenerator(marketGenerator, { store: second.store, from: MONTH, to: MONTH, progress: (done, total, label) => progress.push(`${label.split(" ")[0]} ${done}/${total}`) });
    expect(createHash("sha256").update(await second.store.getBytes(landingKey(MONTH))).digest("hex")).toBe(sha);
    expect((await second.store.getBytes(landingKey(MONTH))).equals(await first.store.getBytes(landingKey(MONTH)))).toBe(true);
    expect(progress).toEqual([`${MONTH} 1/1`]);
  });

  it("writes Globex bars of ten roots with quarterly outrights, spreads and defects at the configured rates", async () => {
    const db = await DuckDbSession.open({ memoryLimit: "512MB", tempDir: join(first.dir, "spill") });
    try {
      await db.run(`CREATE TABLE f AS SELECT * FROM read_csv(${quoteLiteral(path)}, all_varchar = true, header = true)`);
      const [stats] = await db.all<Record<string, number>>(`
        WITH typed AS (
          SELECT *, TRY_CAST(ts_event AS BIGINT) AS ns, TRY_CAST(high AS BIGINT) AS h, TRY_CAST(low AS BIGINT) AS l,
                 TRY_CAST(close AS BIGINT) AS c, TRY_CAST(volume AS BIGINT) AS v, symbol LIKE '%-%' AS spread
          FROM f
        )
        SELECT
          count(*)::DOUBLE AS rows,
          count(DISTINCT regexp_extract(symbol, '^([A-Z0-9]{1,3}?)[HMUZ][0-9]', 1))::DOUBLE AS roots,
          (count(*) - count(DISTINCT (ts_event, symbol)))::DOUBLE AS duplicates,
          count(*) FILTER (WHERE h < l)::DOUBLE AS high_below_low,
          count(*) FILTER (WHERE NOT spread AND c <= 0)::DOUBLE AS non_positive,
          count(*) FILTER (WHERE ns IS NULL OR c IS NULL OR v IS NULL)::DOUBLE AS malformed,
          count(*) FILTER (WHERE spread AND c < 0)::DOUBLE AS negative_spreads,
          -- bars fall in Globex hours: never in the 16:00–17:00 CT break, never on Saturday
          count(*) FILTER (WHERE ns IS NOT NULL AND (hour(timezone('America/Chicago', to_timestamp(ns / 1e9))) = 16
                                  OR dayofweek(timezone('America/Chicago', to_timestamp(ns / 1e9))) = 6))::DOUBLE AS outside_hours
        FROM typed`);
      expect(stats!.roots).toBe(10);
      expect(stats!.outside_hours).toBe(0);
      expect(stats!.negative_spreads).toBeGreaterThan(0);
      const rows = stats!.rows ?? 1;
      const rate = (count: number | undefined): number => (count ?? 0) / rows;
      // Each rate within ±40% of its target (binomial noise on ~600k rows is a few percent).
      expect(rate(stats!.duplicates) / DEFAULT_DEFECT_RATES.duplicate).toBeCloseTo(1, 0);
      expect(rate(stats!.high_below_low) / DEFAULT_DEFECT_RATES.highBelowLow).toBeGreaterThan(0.6);
      expect(rate(stats!.high_below_low) / DEFAULT_DEFECT_RATES.highBelowLow).toBeLessThan(1.4);
      expect(rate(stats!.malformed) / DEFAULT_DEFECT_RATES.malformed).toBeGreaterThan(0.6);
      expect(rate(stats!.malformed) / DEFAULT_DEFECT_RATES.malformed).toBeLessThan(1.4);
      expect(rate(stats!.non_positive)).toBeGreaterThan(0);
      expect(rate(stats!.non_positive)).toBeLessThan(DEFAULT_DEFECT_RATES.nonPositivePrice * 1.4);

      // Around the March roll (expiry 2024-03-15, roll ~03-07) both contracts trade; volume moves to June.
      const volumes = await db.all<{ symbol: string; before: bigint; after: bigint }>(`
        SELECT symbol,
               sum(TRY_CAST(volume AS BIGINT)) FILTER (WHERE TRY_CAST(ts_event AS BIGINT) < epoch_ns(TIMESTAMPTZ '2024-03-05 00:00:00+00')) AS before,
               sum(TRY_CAST(volume AS BIGINT)) FILTER (WHERE TRY_CAST(ts_event AS BIGINT) > epoch_ns(TIMESTAMPTZ '2024-03-11 00:00:00+00')) AS after
        FROM f WHERE symbol IN ('ESH4', 'ESM4') GROUP BY symbol ORDER BY symbol`);
      const [march, june] = volumes;
      expect(Number(march!.before)).toBeGreaterThan(5 * Number(june!.before));
      expect(Number(june!.after)).toBeGreaterThan(5 * Number(march!.after ?? 0n));
    } finally {
      await db.close();
    }
  });

  it("writes no defects with --clean", async () => {
    const clean = tempStore();
    await runGenerator(marketGenerator, { store: clean.store, from: "2024-02", to: "2024-02", flags: ["clean"] });
    const db = await DuckDbSession.open({ memoryLimit: "512MB", tempDir: join(clean.dir, "spill") });
    try {
      const file = await clean.store.localPath(landingKey("2024-02"), join(clean.dir, "scratch"));
      const [row] = await db.all<{ bad: bigint }>(`
        SELECT count(*) FILTER (WHERE TRY_CAST(close AS BIGINT) IS NULL OR TRY_CAST(high AS BIGINT) < TRY_CAST(low AS BIGINT)) + count(*) - count(DISTINCT (ts_event, symbol)) AS bad
        FROM read_csv(${quoteLiteral(file)}, all_varchar = true, header = true)`);
      expect(row!.bad).toBe(0n);
    } finally {
      await db.close();
    }
  });
});
