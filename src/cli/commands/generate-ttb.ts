/**
 * `materia generate ttb --from YYYY-MM --to YYYY-MM`: write deterministic
 * TTB registry day files to landing/ttb/ in the configured store.
 */
import type { Command } from "commander";
import { Presets, SingleBar } from "cli-progress";
import { generateTtbMonths, NO_DEFECTS } from "../../assets/ttb";
import { storeFromConfig } from "../../execution";
import { cliRuntime } from "../runtime";

interface GenerateTtbOptions {
  from: string;
  to: string;
  clean?: boolean;
}

export function registerGenerateTtb(generate: Command): void {
  generate
    .command("ttb")
    .description("Generate daily TTB COLA registry extracts (landing/ttb/YYYY-MM-DD.jsonl), about 12,000 COLAs a month")
    .requiredOption("--from <month>", "first month, YYYY-MM")
    .requiredOption("--to <month>", "last month, YYYY-MM (inclusive)")
    .option("--clean", "no defects: no casing/whitespace mess, duplicates, malformed IDs or unknown codes")
    .action(async (options: GenerateTtbOptions) => {
      const { config } = cliRuntime();
      const store = storeFromConfig(config);
      const bar = new SingleBar(
        { format: "ttb extracts |{bar}| {value}/{total} day files · {month} · {rows} rows", hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2000 },
        Presets.shades_classic,
      );
      let started = false;
      const began = Date.now();
      try {
        const result = await generateTtbMonths({
          store,
          from: options.from,
          to: options.to,
          ...(options.clean ? { defects: NO_DEFECTS } : {}),
          onProgress: (progress) => {
            if (!started) {
              bar.start(progress.totalFiles, 0, { month: progress.month, rows: 0 });
              started = true;
            }
            bar.update(progress.filesWritten, { month: progress.month, rows: progress.rows });
          },
        });
        if (started) bar.stop();
        started = false;
        console.log(`Wrote ${result.files} day files (${result.rows} lines) to ${store.description} in ${((Date.now() - began) / 1000).toFixed(1)} s.`);
      } finally {
        if (started) bar.stop();
        await store.close?.();
      }
    });
}
