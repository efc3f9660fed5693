/**
 * The features kernel against the SQL it replaced
 * (market-features-sql-reference.ts) on two generated months (~310k
 * front-month bars a month, ten roots, real rolls, the previous month as
 * warm-up): the same rows and every feature the same double, bit for bit
 * (the kernel follows the SQL's arithmetic term for term; the logarithms
 * are DuckDB's in both), so the data version is the SQL's too.
 */
import { join } from "node:path";
import { runGenerator } from "materia/testing";
import { MARKET_MONTHS, marketGenerator } from "../../src/assets/market";
import { FEATURE_NAMES } from "../../src/assets/market/sql/features";
import { materialize } from "../../src/execution";
import { DuckDbSession, quoteList } from "../../src/resources/duckdb";
import { featuresSqlReference } from "./market-features-sql-reference";
import { marketHarness, readPublished, type MarketHarness } from "./market-harness";

const [PREVIOUS, MONTH] = ["2024-02", "2024-03"];

async function parquetPaths(h: MarketHarness, asset: string, months: string[]): Promise<string[]> {
  const paths: string[] = [];
  for (const month of months) {
    const manifest = await h.env.catalog.readManifest(asset, month);
    if (manifest) paths.push(await h.store.localPath(manifest.dataKey, join(h.dir, "scratch")));
  }
  return paths;
}

describe("the features kernel on a generated month", () => {
  it("gives the features of the SQL it replaced", async () => {
    const h = marketHarness();
    await runGenerator(marketGenerator, { store: h.store, from: PREVIOUS, to: MONTH, flags: ["clean"] });
    const upstream = await materialize(h.definitions, { selection: "+key:market/front_month_bars", partitions: [PREVIOUS, MONTH], env: h.env });
    expect(upstream.steps.filter((s) => s.status !== "published").map((s) => s.id)).toEqual([]);
    const run = await materialize(h.definitions, { selection: "key:market/features", partitions: [MONTH], env: h.env });
    // both checks ran on the kernel's output, no_look_ahead recomputing with the kernel
    expect(run.steps.map((s) => [s.status, s.outputs[0]?.checks.map((c) => [c.check, c.passed])])).toEqual([
      ["published", [["null_rate_after_warm_up", true], ["no_look_ahead", true]]],
    ]);

    const db = await DuckDbSession.open({ memoryLimit: "1GB", tempDir: join(h.dir, "spill") });
    try {
      await db.run(`CREATE VIEW front_month_bars AS SELECT * FROM read_parquet(${quoteList(await parquetPaths(h, "market/front_month_bars", [PREVIOUS, MONTH]))})`);
      await db.run(`CREATE VIEW kernel_features AS SELECT * FROM read_parquet(${quoteList(await parquetPaths(h, "market/features", [MONTH]))})`);
      await db.run(`CREATE TABLE sql_features AS ${featuresSqlReference(db, "front_month_bars", MARKET_MONTHS.timeWindow(MONTH))}`);
      const [row] = await db.all<Record<string, number | bigint | null>>(`
        SELECT count(*) AS rows,
          count(*) FILTER (WHERE k.root IS NULL OR s.root IS NULL) AS unpaired,
          count(*) FILTER (WHERE k.symbol IS DISTINCT FROM s.symbol OR k.session_date IS DISTINCT FROM s.session_date) AS different_keys,
          ${FEATURE_NAMES.map((name) => `count(*) FILTER (WHERE k.${name} IS DISTINCT FROM s.${name}) AS ${name}`).join(",\n          ")}
        FROM kernel_features k FULL JOIN sql_features s ON s.root = k.root AND s.ts = k.ts`);
      expect(Number(row!.rows)).toBeGreaterThan(250_000);
      expect(row).toMatchObject({ unpaired: 0n, different_keys: 0n });
      const differing = Object.fromEntries(FEATURE_NAMES.map((name) => [name, Number(row![name])]));
      expect(differing).toEqual(Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])));
    } finally {
      await db.close();
    }

    // published in (root, ts) order, as the training set pairs features with labels by position
    const [order] = await readPublished<{ unordered: bigint }>(
      h, "market/features", MONTH,
      "SELECT count(*) FILTER (WHERE prev_root > root OR (prev_root = root AND prev_ts >= ts)) AS unordered FROM (SELECT root, ts, lag(root) OVER () AS prev_root, lag(ts) OVER () AS prev_ts FROM data)",
    );
    expect(order).toEqual({ unordered: 0n });
  });
});
