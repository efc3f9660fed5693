/** `materia generate market`: deterministic Databento-style ohlcv-1m vendor files, about 600,000 bars a month. */
import { defineGenerator } from "materia";
import { MARKET_MONTHS } from "./layout";
import { generateMarketMonths, NO_DEFECTS } from "./vendor";

export const marketGenerator = defineGenerator({
  name: "market",
  description: "monthly futures ohlcv-1m files (landing/market/ohlcv-1m/YYYY-MM.csv.zst), about 600,000 bars a month",
  partitions: MARKET_MONTHS,
  flags: { clean: "no defects: no duplicates, out-of-order rows, high < low, non-positive prices or malformed fields" },
  demo: { job: "market_monthly", from: "2025-08", to: "2025-10" },
  async generate(ctx) {
    const months = await generateMarketMonths(ctx, {
      months: ctx.partitions,
      ...(ctx.flags.clean ? { defects: NO_DEFECTS } : {}),
      onProgress: (done, index, total) => ctx.progress(index, total, `${done.month} · ${done.rows} rows`),
    });
    return { files: months.length, rows: months.reduce((sum, month) => sum + month.rows, 0) };
  },
});
