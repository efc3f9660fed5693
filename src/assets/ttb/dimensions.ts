/** The warehouse's dimensions (unpartitioned), rebuilt from ttb/consolidated_colas. */
import { defineAsset, type AssetDefinition, type MaterializeContext } from "materia";
import { TTB_GROUP } from "./partitions";
import { dimBrandSql, dimCompanySql, dimDateSql, dimOriginSql, dimProductClassSql } from "./sql/dimensions";

function dimension(key: string, description: string, build: (ctx: MaterializeContext, consolidated: string) => string): AssetDefinition {
  return defineAsset({
    key,
    group: TTB_GROUP,
    description,
    deps: ["ttb/consolidated_colas"],
    codeVersion: "1",
    async materialize(ctx) {
      return build(ctx, ctx.sql.ident("consolidated_colas"));
    },
  });
}

export const dimCompany = dimension(
  "ttb/dim_company",
  "Permit holders, SCD type 2 on name and address: one row per version with valid_from, valid_to (exclusive) and is_current.",
  (_ctx, consolidated) => dimCompanySql(consolidated),
);

export const dimBrand = dimension("ttb/dim_brand", "Brands per permit holder, with first and last filing dates.", (_ctx, consolidated) => dimBrandSql(consolidated));

export const dimProductClass = dimension(
  "ttb/dim_product_class",
  "Class/type codes with description and family (by leading digit); unknown codes seen in the data as family UNKNOWN.",
  (ctx, consolidated) => dimProductClassSql(ctx.sql, consolidated),
);

export const dimOrigin = dimension(
  "ttb/dim_origin",
  "Origin codes: US states (domestic) and countries (imported).",
  (ctx, consolidated) => dimOriginSql(ctx.sql, consolidated),
);

export const dimDate = dimension("ttb/dim_date", "A calendar over the years of completed dates.", (_ctx, consolidated) => dimDateSql(consolidated));

export const ttbDimensions = [dimCompany, dimBrand, dimProductClass, dimOrigin, dimDate];
