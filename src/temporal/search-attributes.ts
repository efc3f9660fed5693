/** materia's custom search attributes: filter runs in the Web UI, e.g. `MateriaPartition = "2025-10"`. */
import { defineSearchAttributeKey, SearchAttributeType } from "@temporalio/common";

export const MATERIA_JOB = defineSearchAttributeKey("MateriaJob", SearchAttributeType.KEYWORD);
export const MATERIA_PARTITION = defineSearchAttributeKey("MateriaPartition", SearchAttributeType.KEYWORD);
export const MATERIA_ASSETS = defineSearchAttributeKey("MateriaAssets", SearchAttributeType.KEYWORD_LIST);
export const MATERIA_KIND = defineSearchAttributeKey("MateriaKind", SearchAttributeType.KEYWORD);
/** The code location whose workers ran it (a workspace has several, each on its own task queue). */
export const MATERIA_LOCATION = defineSearchAttributeKey("MateriaLocation", SearchAttributeType.KEYWORD);

/** Set by Temporal on runs started by a Schedule (including its backfills): the nominal time. */
export const TEMPORAL_SCHEDULED_START_TIME = defineSearchAttributeKey("TemporalScheduledStartTime", SearchAttributeType.DATETIME);

export const MATERIA_SEARCH_ATTRIBUTES = [MATERIA_JOB, MATERIA_PARTITION, MATERIA_ASSETS, MATERIA_KIND, MATERIA_LOCATION] as const;

/** The dev server's `--search-attribute` flag spelling of each type. */
export const DEV_SERVER_TYPE_NAMES: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: "Keyword",
  [SearchAttributeType.KEYWORD_LIST]: "KeywordList",
  [SearchAttributeType.TEXT]: "Text",
  [SearchAttributeType.INT]: "Int",
  [SearchAttributeType.DOUBLE]: "Double",
  [SearchAttributeType.BOOL]: "Bool",
  [SearchAttributeType.DATETIME]: "Datetime",
};
