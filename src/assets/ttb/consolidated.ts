/** ttb/consolidated_colas: one row per TTB ID over every published month (see sql/consolidated.ts). */
import { allMapping, defineAsset } from "materia";
import { TTB_GROUP } from "./partitions";
import { consolidatedColasSql } from "./sql/consolidated";

export const consolidatedColas = defineAsset({
  key: "ttb/consolidated_colas",
  group: TTB_GROUP,
  description: "One row per TTB ID: first-seen attributes, current status, status change count, first/last seen, filing signal and refile flag.",
  deps: [
    { asset: "ttb/processed_colas", mapping: allMapping() },
    { asset: "ttb/status_events", mapping: allMapping() },
  ],
  codeVersion: "1",
  async materialize(ctx) {
    ctx.addMetadata({ months: ctx.upstreamPartitions.processed_colas?.length ?? 0 });
    return consolidatedColasSql(ctx.sql.ident("processed_colas"), ctx.sql.ident("status_events"));
  },
});
