/**
 * The labels kernel against the SQL it replaced (market-labels-sql-reference.ts),
 * on the same input rows of a published month: the same labels and end bars,
 * returns, uniqueness and weights within rounding.
 */
import { join } from "node:path";
import { labelKernel } from "../../src/assets/market/label-kernel";
import { MARKET_MONTHS } from "../../src/assets/market";
import { labelKernelInputSql, labelRootsSql, labelsOutputSql } from "../../src/assets/market/sql/labels";
import { LABEL_MODES } from "../../src/assets/market/sql/label-modes";
import { DuckDbSession, quoteList } from "../../src/resources/duckdb";
import { labelEventsSql, labelNextBarsSql, labelRunningSumsSql, labelsSelectSql, labelTouchesSql } from "./market-labels-sql-reference";
import type { MarketHarness } from "./market-harness";

export interface LabelsComparison {
  kernelRows: number;
  sqlRows: number;
  /** Rows of either side without a partner with the same (root, ts). */
  unpaired: number;
  /** Per mode: labels or end bars that differ. */
  differentLabels: Record<string, number>;
  completeLabels: number;
  maxRetDiff: number;
  maxUniquenessDiff: number;
  /** Weights have mean 1: an absolute difference. */
  maxWeightDiff: number;
}

async function parquetPaths(h: MarketHarness, asset: string, months: string[]): Promise<string[]> {
  const paths: string[] = [];
  for (const month of months) {
    const manifest = await h.env.catalog.readManifest(asset, month);
    if (manifest) paths.push(await h.store.localPath(manifest.dataKey, join(h.dir, "scratch")));
  }
  return paths;
}

export async function compareLabelsKernelWithSql(h: MarketHarness, month: string): Promise<LabelsComparison> {
  const window = MARKET_MONTHS.timeWindow(month);
  const months = [shift(month, -1), month, shift(month, 1)];
  const db = await DuckDbSession.open({ memoryLimit: "1GB", tempDir: join(h.dir, "spill") });
  try {
    await db.run("SET preserve_insertion_order = true");
    await db.run(`CREATE VIEW front_month_bars AS SELECT * FROM read_parquet(${quoteList(await parquetPaths(h, "market/front_month_bars", months))})`);
    await db.run(`CREATE VIEW features AS SELECT * FROM read_parquet(${quoteList(await parquetPaths(h, "market/features", months))})`);
    await db.run(labelRootsSql());
    const input = labelKernelInputSql(db, window);
    await db.writeColumns("kernel_output", labelKernel(await db.readColumns(input)));
    await db.run(`CREATE TABLE kernel_labels AS ${labelsOutputSql(db.ident("kernel_output"))}`);

    await db.run(`CREATE TEMP TABLE label_bars AS SELECT r.root, i.* FROM (${input}) i JOIN label_roots r ON r.root_id = i.root_id ORDER BY i.g`);
    await db.run(labelNextBarsSql());
    await db.run(labelTouchesSql(db));
    await db.run(labelEventsSql());
    await db.run(labelRunningSumsSql());
    await db.run(`CREATE TABLE sql_labels AS ${labelsSelectSql()}`);

    const differences = LABEL_MODES.map(
      ({ mode }) => `count(*) FILTER (WHERE k.${mode} IS DISTINCT FROM s.${mode} OR k.${mode}_t1 IS DISTINCT FROM s.${mode}_t1) AS ${mode}`,
    );
    const [row] = await db.all<Record<string, bigint | number | null>>(`
      SELECT (SELECT count(*) FROM kernel_labels) AS kernel_rows, (SELECT count(*) FROM sql_labels) AS sql_rows,
        count(*) FILTER (WHERE k.root IS NULL OR s.root IS NULL) AS unpaired,
        count(*) FILTER (WHERE k.long_swing IS NOT NULL) AS complete_labels,
        ${differences.join(",\n        ")},
        greatest(${LABEL_MODES.map(({ mode }) => `max(abs(k.${mode}_ret - s.${mode}_ret))`).join(", ")}) AS max_ret,
        greatest(${LABEL_MODES.map(({ mode }) => `max(abs(k.${mode}_uniqueness - s.${mode}_uniqueness))`).join(", ")}) AS max_uniqueness,
        greatest(${LABEL_MODES.map(({ mode }) => `max(abs(k.${mode}_weight - s.${mode}_weight))`).join(", ")}) AS max_weight
      FROM kernel_labels k FULL JOIN sql_labels s ON s.root = k.root AND s.ts = k.ts`);
    return {
      kernelRows: Number(row!.kernel_rows),
      sqlRows: Number(row!.sql_rows),
      unpaired: Number(row!.unpaired),
      completeLabels: Number(row!.complete_labels),
      differentLabels: Object.fromEntries(LABEL_MODES.map(({ mode }) => [mode, Number(row![mode])])),
      maxRetDiff: Number(row!.max_ret ?? 0),
      maxUniquenessDiff: Number(row!.max_uniqueness ?? 0),
      maxWeightDiff: Number(row!.max_weight ?? 0),
    };
  } finally {
    await db.close();
  }
}

function shift(month: string, by: number): string {
  const [year, m] = month.split("-").map(Number) as [number, number];
  const date = new Date(Date.UTC(year, m - 1 + by, 1));
  return date.toISOString().slice(0, 7);
}
