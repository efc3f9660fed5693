/**
 * `materia generate market --from YYYY-MM --to YYYY-MM`: write deterministic
 * Databento-style ohlcv-1m vendor files to landing/market/ohlcv-1m/.
 * `registerGenerate` creates the `generate` command and returns it, so other
 * generators (e.g. `registerGenerateTtb`) can hang their subcommand on it.
 */
import type { Command } from "commander";
import { Presets, SingleBar } from "cli-progress";
import { generateMarketMonths, NO_DEFECTS } from "../../assets/market/vendor";
import { storeFromConfig } from "../../execution";
import { cliRuntime } from "../runtime";
import { registerGenerateTtb } from "./generate-ttb";

interface GenerateMarketOptions {
  from: string;
  to: string;
  clean?: boolean;
}

export function registerGenerate(program: Command): Command {
  const generate = program.command("generate").description("Write deterministic sample vendor data to the landing area");
  registerGenerateMarket(generate);
  registerGenerateTtb(generate);
  return generate;
}

export function registerGenerateMarket(generate: Command): void {
  generate
    .command("market")
    .description("Generate monthly futures ohlcv-1m files (landing/market/ohlcv-1m/YYYY-MM.csv.zst), about 600,000 bars a month")
    .requiredOption("--from <month>", "first month, YYYY-MM (from 2011-01)")
    .requiredOption("--to <month>", "last month, YYYY-MM (inclusive)")
    .option("--clean", "no defects: no duplicates, out-of-order rows, high < low, non-positive prices or malformed fields")
    .action(async (options: GenerateMarketOptions) => {
      const { config } = cliRuntime();
      const store = storeFromConfig(config);
      const bar = new SingleBar(
        { format: "market files |{bar}| {value}/{total} months · {month} · {rows} rows", hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2000 },
        Presets.shades_classic,
      );
      let started = false;
      let rows = 0;
      const began = Date.now();
      try {
        const months = await generateMarketMonths({
          store,
          from: options.from,
          to: options.to,
          ...(options.clean ? { defects: NO_DEFECTS } : {}),
          duckdb: { memoryLimit: config.duckdb.memoryLimit, threads: config.duckdb.threads, tempDir: config.duckdb.tempDir },
          onProgress: (done, index, total) => {
            if (!started) {
              bar.start(total, 0, { month: done.month, rows: 0 });
              started = true;
            }
            rows += done.rows;
            bar.update(index, { month: done.month, rows: done.rows });
          },
        });
        if (started) bar.stop();
        started = false;
        console.log(`Wrote ${months.length} monthly files (${rows} rows) to ${store.description} in ${((Date.now() - began) / 1000).toFixed(1)} s.`);
      } finally {
        if (started) bar.stop();
        await store.close?.();
      }
    });
}
