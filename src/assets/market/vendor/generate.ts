/**
 * The vendor-data generator: writes `landing/market/ohlcv-1m/YYYY-MM.csv.zst`
 * files in the style of Databento `ohlcv-1m` exports. Each month is seeded by
 * its own key, so any month regenerates byte for byte.
 */
import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbSession, type DuckDbSettings } from "../../../resources/duckdb";
import type { LandingWriter } from "../../../core";
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

export interface GenerateMarketOptions {
  store: LandingWriter;
  /** First month, `YYYY-MM`. */
  from: string;
  /** Last month, inclusive. */
  to: string;
  /** Called after each month is uploaded. */
  onProgress?: (done: GeneratedMonth, index: number, total: number) => void;
  /** Per-row defect probabilities; defaults to DEFAULT_DEFECT_RATES. */
  defects?: Partial<DefectRates>;
  duckdb?: Partial<DuckDbSettings>;
}

export async function generateMarketMonths(options: GenerateMarketOptions): Promise<GeneratedMonth[]> {
  const months = MARKET_MONTHS.keysInRange(options.from, options.to);
  const defects = { ...DEFAULT_DEFECT_RATES, ...options.defects };
  const scratch = mkdtempSync(join(tmpdir(), "materia-market-vendor-"));
  const db = await DuckDbSession.open({
    memoryLimit: options.duckdb?.memoryLimit ?? "1GB",
    tempDir: options.duckdb?.tempDir ?? join(scratch, "spill"),
    threads: options.duckdb?.threads,
  });
  const generated: GeneratedMonth[] = [];
  try {
    for (const [index, month] of months.entries()) {
      const done = await generateMonth(db, options.store, month, join(scratch, `${month}.csv.zst`), defects);
      generated.push(done);
      options.onProgress?.(done, index + 1, months.length);
    }
  } finally {
    await db.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  return generated;
}

async function generateMonth(db: DuckDbSession, store: LandingWriter, month: string, file: string, defects: DefectRates): Promise<GeneratedMonth> {
  const { start, end } = MARKET_MONTHS.timeWindow(month);
  await db.run(monthSetupSql(month, start, end));
  const [copied] = await db.all<{ Count: bigint }>(vendorFileSql(month, file, defects));
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
