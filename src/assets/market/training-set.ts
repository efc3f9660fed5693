/** Stage 5: features joined with complete labels, one row per root and bar. */
import { defineAsset } from "../../core";
import { MARKET_MONTHS } from "./layout";
import { trainingSetSql } from "./sql/training-set";

export const trainingSet = defineAsset({
  key: "market/training_set",
  description: "The 43 features and the six labels with their weights, for bars whose every label is complete.",
  partitions: MARKET_MONTHS,
  deps: ["market/features", "market/labels"],
  codeVersion: "2",
  async materialize() {
    return trainingSetSql();
  },
});
