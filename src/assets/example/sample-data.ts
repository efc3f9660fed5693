/**
 * Deterministic sample landing files for the example pipeline (the demo puts
 * them in the landing area before backfilling). Built in DuckDB, in the
 * session the framework hands the generator: fast, and the same month always
 * produces the same bytes.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { GeneratorContext } from "materia";
import { EXAMPLE_MONTHS, landingKey } from "./assets";

/** What the sample data needs from the generator's context. */
export type ExampleGeneratorContext = Pick<GeneratorContext, "store" | "sql" | "scratchDir">;

export async function writeExampleLanding({ store, sql, scratchDir }: ExampleGeneratorContext, months: readonly string[]): Promise<void> {
  for (const month of months) {
    const { start, end } = EXAMPLE_MONTHS.timeWindow(month);
    const file = join(scratchDir, `example-${month}.csv`);
    const seed = sql.literal(month);
    const seconds = Math.floor((end.getTime() - start.getTime()) / 1000);
    // One view every ~4 minutes; a few malformed rows to show validation.
    await sql.run(`
      COPY (
        SELECT
          CASE WHEN i % 997 = 0 THEN 'not-a-time'
               ELSE strftime(${sql.literal(start.toISOString())}::TIMESTAMP + to_seconds((hash(${seed}, i) % ${seconds})::BIGINT), '%Y-%m-%d %H:%M:%S') END AS viewed_at,
          CASE WHEN i % 1009 = 0 THEN '' ELSE '/' || ['home', 'pricing', 'docs', 'blog', 'about', 'careers'][1 + (hash(i, ${seed}) % 6)::INTEGER] END AS path,
          (200 + hash(month_seed, i) % 60000)::VARCHAR AS duration_ms
        FROM range(0, ${Math.floor(seconds / 240)}) t(i), (SELECT ${seed} AS month_seed)
      ) TO ${sql.literal(file)} (HEADER, DELIMITER ',')`);
    await store.putFile(landingKey(month), file, { contentType: "text/csv" });
    rmSync(file, { force: true });
  }
}
