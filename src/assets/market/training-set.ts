/** Stage 5: features joined with complete labels, one row per root and bar. */
import { defineAsset } from "materia";
import { MARKET_MONTHS, WIDE_FLOAT_PARQUET } from "./layout";
import { rowsAlignedSql, trainingSetSql } from "./sql/training-set";

export const trainingSet = defineAsset({
  key: "market/training_set",
  description: "The 43 features and the six labels with their weights, for bars whose every label is complete.",
  partitions: MARKET_MONTHS,
  deps: ["market/features", "market/labels"],
  codeVersion: "2",
  parquet: WIDE_FLOAT_PARQUET,
  async materialize(ctx) {
    const [check] = await ctx.sql.all<{ aligned: boolean }>(rowsAlignedSql());
    const aligned = check?.aligned === true;
    if (!aligned) ctx.log.info("features and labels hold different bars (made from different front-month versions?): joining them by (root, ts)");
    ctx.addMetadata({ pairedBy: aligned ? "position" : "key" });
    return trainingSetSql(aligned ? "position" : "key");
  },
});
