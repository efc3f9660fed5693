/**
 * Deterministic sample landing files for the example pipeline (the demo puts
 * them in the landing area before backfilling). Built in DuckDB: fast, and
 * the same month always produces the same bytes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbSession, quoteLiteral, type DuckDbSettings } from "../../resources/duckdb";
import type { LandingWriter } from "../../core";
import { EXAMPLE_MONTHS, landingKey } from "./assets";

export async function writeExampleLanding(store: LandingWriter, months: string[], duckdb: DuckDbSettings): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "materia-example-"));
  const db = await DuckDbSession.open(duckdb);
  try {
    for (const month of months) {
      const { start, end } = EXAMPLE_MONTHS.timeWindow(month);
      const file = join(dir, `${month}.csv`);
      const seconds = Math.floor((end.getTime() - start.getTime()) / 1000);
      // One view every ~4 minutes; a few malformed rows to show validation.
      await db.run(`
        COPY (
          SELECT
            CASE WHEN i % 997 = 0 THEN 'not-a-time'
                 ELSE strftime(${quoteLiteral(start.toISOString())}::TIMESTAMP + to_seconds((hash(${quoteLiteral(month)}, i) % ${seconds})::BIGINT), '%Y-%m-%d %H:%M:%S') END AS viewed_at,
            CASE WHEN i % 1009 = 0 THEN '' ELSE '/' || ['home', 'pricing', 'docs', 'blog', 'about', 'careers'][1 + (hash(i, ${quoteLiteral(month)}) % 6)::INTEGER] END AS path,
            (200 + hash(month_seed, i) % 60000)::VARCHAR AS duration_ms
          FROM range(0, ${Math.floor(seconds / 240)}) t(i), (SELECT ${quoteLiteral(month)} AS month_seed)
        ) TO ${quoteLiteral(file)} (HEADER, DELIMITER ',')`);
      await store.putFile(landingKey(month), file, { contentType: "text/csv" });
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
