/** `materia generate ttb`: deterministic TTB COLA registry day files, about 12,000 COLAs a month. */
import { defineGenerator } from "materia";
import { TTB_MONTHS } from "./partitions";
import { CLEAN as NO_DEFECTS } from "./registry/mess";
import { generateTtbMonths } from "./registry/generator";

export const ttbGenerator = defineGenerator({
  name: "ttb",
  description: "daily TTB COLA registry extracts (landing/ttb/YYYY-MM-DD.jsonl), about 12,000 COLAs a month",
  partitions: TTB_MONTHS,
  flags: { clean: "no defects: no casing/whitespace mess, duplicates, malformed IDs or unknown codes" },
  demo: { job: "ttb_monthly", from: "2024-01", to: "2024-03" },
  async generate(ctx) {
    if (ctx.partitions.length === 0) return { files: 0, rows: 0 };
    return generateTtbMonths({
      store: ctx.store,
      from: ctx.partitions[0]!,
      to: ctx.partitions[ctx.partitions.length - 1]!,
      ...(ctx.flags.clean ? { defects: NO_DEFECTS } : {}),
      onProgress: (progress) => ctx.progress(progress.filesWritten, progress.totalFiles, `${progress.month} · ${progress.rows} rows`),
    });
  },
});
