/**
 * The vendor-data generator: writes `landing/market/ohlcv-1m/YYYY-MM.csv.zst`
 * files in the style of Databento `ohlcv-1m` exports. Each month is seeded by
 * its own key, so any month regenerates byte for byte.
 */
import { createHash } from "node:crypto";
import { createReadStream, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { GeneratorContext } from "materia";
import { landingKey, MARKET_MONTHS } from "../layout";
import { vendorFileSql } from "./file-sql";
import { DEFAULT_DEFECT_RATES, monthSetupSql, type DefectRates } from "./month-sql";

export interface GeneratedMonth {
  month: string;
  key: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** What a month needs from the generator's context: where to write, the DuckDB session the framework opened, a scratch folder. */
export type MarketGeneratorContext = Pick<GeneratorContext, "store" | "sql" | "scratchDir">;

export interface GenerateMarketOptions {
  /** The months, `YYYY-MM`, in the order to write them. */
  months: readonly string[];
  /** Called after each month is uploaded. */
  onProgress?: (done: GeneratedMonth, index: number, total: number) => void;
  /** Per-row defect probabilities; defaults to DEFAULT_DEFECT_RATES. */
  defects?: Partial<DefectRates>;
}

export async function generateMarketMonths(ctx: MarketGeneratorContext, options: GenerateMarketOptions): Promise<GeneratedMonth[]> {
  const defects = { ...DEFAULT_DEFECT_RATES, ...options.defects };
  const generated: GeneratedMonth[] = [];
  for (const [index, month] of options.months.entries()) {
    const done = await generateMonth(ctx, month, defects);
    generated.push(done);
    options.onProgress?.(done, index + 1, options.months.length);
  }
  return generated;
}

async function generateMonth({ store, sql, scratchDir }: MarketGeneratorContext, month: string, defects: DefectRates): Promise<GeneratedMonth> {
  const { start, end } = MARKET_MONTHS.timeWindow(month);
  const file = join(scratchDir, `${month}.csv.zst`);
  // The month's tables replace the previous month's in the same session: memory stays at one month's worth.
  await sql.run(monthSetupSql(sql, month, start, end));
  const [copied] = await sql.all<{ Count: bigint }>(vendorFileSql(sql, month, file, defects));
  const key = landingKey(month);
  await store.putFile(key, file, { contentType: "application/zstd" });
  const sha256 = await sha256Of(file);
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  return { month, key, rows: Number(copied?.Count ?? 0), bytes, sha256 };
}

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}
