/** `materia generate example`: the example pipeline's page-view CSVs, one per month. */
import { defineGenerator } from "materia";
import { EXAMPLE_MONTHS } from "./assets";
import { writeExampleLanding } from "./sample-data";

export const exampleGenerator = defineGenerator({
  name: "example",
  description: "monthly page-view CSVs (landing/example/page_views/YYYY-MM.csv)",
  partitions: EXAMPLE_MONTHS,
  demo: { job: "example_monthly", from: "2025-01", to: "2025-03" },
  async generate(ctx) {
    await writeExampleLanding(ctx, ctx.partitions);
    ctx.progress(ctx.partitions.length, ctx.partitions.length, ctx.partitions[ctx.partitions.length - 1] ?? "");
    return { files: ctx.partitions.length };
  },
});
