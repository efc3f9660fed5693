/**
 * Monthly facts. They read the unpartitioned consolidated COLAs and
 * dimensions; the month's time window picks the COLAs completed in it.
 */
import { defineAsset } from "materia";
import { TTB_GROUP, TTB_MONTHS } from "./partitions";
import { factLabelApprovalsSql, factMonthlySummarySql } from "./sql/facts";

export const factLabelApprovals = defineAsset({
  key: "ttb/fact_label_approvals",
  group: TTB_GROUP,
  description: "One row per COLA completed in the month, with surrogate keys to every dimension, current status and filing signal.",
  partitions: TTB_MONTHS,
  deps: ["ttb/consolidated_colas", "ttb/dim_company", "ttb/dim_brand", "ttb/dim_product_class", "ttb/dim_origin", "ttb/dim_date"],
  codeVersion: "1",
  async materialize(ctx) {
    const { start, end } = ctx.timeWindow!;
    return factLabelApprovalsSql(ctx.sql, { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) });
  },
});

export const factMonthlySummary = defineAsset({
  key: "ttb/fact_monthly_summary",
  group: TTB_GROUP,
  description: "COLAs of the month by class family, origin, application type and filing signal.",
  partitions: TTB_MONTHS,
  deps: ["ttb/fact_label_approvals", "ttb/dim_product_class", "ttb/dim_origin"],
  codeVersion: "1",
  async materialize() {
    return factMonthlySummarySql();
  },
});
