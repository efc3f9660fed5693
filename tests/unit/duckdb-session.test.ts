import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbSession, QueryCancelledError } from "../../src/resources/duckdb";

describe("DuckDbSession (real DuckDB)", () => {
  const dir = mkdtempSync(join(tmpdir(), "materia-duckdb-"));
  const settings = { memoryLimit: "512MB", threads: 2, tempDir: join(dir, "spill") };

  it("applies memory limit and threads from settings", async () => {
    const db = await DuckDbSession.open(settings);
    const [row] = await db.all<{ memory_limit: string; threads: bigint }>("SELECT current_setting('memory_limit') AS memory_limit, current_setting('threads') AS threads");
    expect(row?.memory_limit).toMatch(/^(488\.2 MiB|512\.0 MB|476\.8 MiB)$/);
    expect(Number(row?.threads)).toBe(2);
    await db.close();
  });

  it("writes Parquet, registers it as a view and binds parameters", async () => {
    const db = await DuckDbSession.open(settings);
    const file = join(dir, "out.parquet");
    const rows = await db.copyToParquet("SELECT range AS id, 'x' || range AS label FROM range(1000)", file);
    expect(rows).toBe(1000);
    expect(existsSync(file)).toBe(true);
    await db.registerParquetView("my view", [file]);
    const [row] = await db.all<{ n: bigint; s: bigint }>(`SELECT count(*) AS n, sum(id) AS s FROM ${db.ident("my view")} WHERE id >= $1`, [500]);
    expect(row).toEqual({ n: 500n, s: 374750n });
    expect(await db.describe(db.ident("my view"))).toEqual([
      { name: "id", type: "BIGINT" },
      { name: "label", type: "VARCHAR" },
    ]);
    await db.close();
  });

  it("stages Parquet in one round trip with the row count and the schema DESCRIBE gives, for every kind of column", async () => {
    const db = await DuckDbSession.open(settings);
    await db.run("CREATE TYPE mood AS ENUM ('ok', 'sad')");
    const columns = [
      "1::DECIMAL(18,3) AS d",
      "{'a': range, 'b b': [1.5]} AS s",
      "[range]::BIGINT[] AS l",
      "MAP {'k': range} AS m",
      "TIMESTAMPTZ '2025-01-01 00:00:00+00' AS tz",
      "'ok'::mood AS e",
      "'a'::BLOB AS b",
      "1::HUGEINT AS h",
      "'1 day'::INTERVAL AS iv",
      "1.5::FLOAT AS f",
      "range AS num_rows",
      `'x' AS "weird ""name"""`,
    ];
    for (const select of [columns.join(", "), columns.filter((c) => !c.includes("{'a'")).join(", ")]) {
      const file = join(dir, "staged.parquet");
      const staged = await db.stageParquet(`SELECT ${select} FROM range(7)`, file);
      expect(staged.rowCount).toBe(7);
      expect(staged.schema).toEqual(await db.describe(`SELECT * FROM read_parquet(${db.literal(file)})`));
    }
    const empty = await db.stageParquet("SELECT 1 AS one WHERE false", join(dir, "empty.parquet"));
    expect(empty).toEqual({ rowCount: 0, schema: [{ name: "one", type: "INTEGER" }] });
    await db.close();
  });

  it("writes Parquet with an asset's options: zstd with dictionaries by default, lz4 without dictionaries on request", async () => {
    const db = await DuckDbSession.open(settings);
    const query = "SELECT range % 3 AS bucket, (range // 7) / 4 AS ratio FROM range(5000)";
    const encodingsOf = async (file: string) =>
      db.all<{ path: string; compression: string; dictionary: boolean }>(
        `SELECT DISTINCT path_in_schema AS path, compression, dictionary_page_offset IS NOT NULL AS dictionary FROM parquet_metadata(${db.literal(file)}) ORDER BY path`,
      );
    await db.copyToParquet(query, join(dir, "default.parquet"));
    expect(await encodingsOf(join(dir, "default.parquet"))).toEqual([
      { path: "bucket", compression: "ZSTD", dictionary: true },
      { path: "ratio", compression: "ZSTD", dictionary: true },
    ]);
    expect(await db.copyToParquet(query, join(dir, "wide.parquet"), { compression: "lz4_raw", dictionary: false })).toBe(5000);
    expect(await encodingsOf(join(dir, "wide.parquet"))).toEqual([
      { path: "bucket", compression: "LZ4_RAW", dictionary: false },
      { path: "ratio", compression: "LZ4_RAW", dictionary: false },
    ]);
    const [same] = await db.all<{ n: bigint }>(
      `SELECT count(*) AS n FROM (SELECT * FROM read_parquet(${db.literal(join(dir, "default.parquet"))}) EXCEPT SELECT * FROM read_parquet(${db.literal(join(dir, "wide.parquet"))}))`,
    );
    expect(same?.n).toBe(0n);
    await db.close();
  });

  it("interrupts a running query when the signal aborts", async () => {
    const controller = new AbortController();
    const db = await DuckDbSession.open(settings, controller.signal);
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    const error = await db.all("SELECT count(*) FROM range(10000000000) a, range(100) b WHERE a.range % 7 = b.range").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryCancelledError);
    expect(Date.now() - started).toBeLessThan(10_000);
    await db.close();
  });
});
