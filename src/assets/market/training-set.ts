/** Stage 5: features joined with complete labels, one row per root and bar. */
import { defineAsset } from "../../core";
import { MARKET_MONTHS } from "./layout";
import { rowsAlignedSql, trainingSetSql } from "./sql/training-set";

export const trainingSet = defineAsset({
  key: "market/training_set",
  description: "The 43 features and the six labels with their weights, for bars whose every label is complete.",
  partitions: MARKET_MONTHS,
  deps: ["market/features", "market/labels"],
  codeVersion: "2",
  // wide tables of unique doubles: no dictionary attempts, lz4 (writes ~2× faster than zstd + dictionary, measured)
  parquet: { compression: "lz4_raw", dictionary: false },
  async materialize(ctx) {
    const [check] = await ctx.sql.all<{ aligned: boolean }>(rowsAlignedSql());
    const aligned = check?.aligned === true;
    if (!aligned) ctx.log.info("features and labels hold different bars (made from different front-month versions?): joining them by (root, ts)");
    ctx.addMetadata({ pairedBy: aligned ? "position" : "key" });
    return trainingSetSql(aligned ? "position" : "key");
  },
});
