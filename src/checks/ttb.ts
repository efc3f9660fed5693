/**
 * The TTB warehouse's checks, attached by asset key (pass `ttbChecks` to
 * defineDefinitions). Blocking checks keep bad data unpublished: the last
 * good version stays in place and downstream steps are skipped.
 */
import { acceptedValues, defineCheck, freshness, unique, type CheckContext, type CheckDefinition, type CheckOutcome } from "materia";

const STATUSES = ["APPROVED", "EXPIRED", "SURRENDERED", "REVOKED"];
const APPLICATION_TYPES = ["LABEL_APPROVAL", "CERTIFICATE_OF_EXEMPTION", "DISTINCTIVE_BOTTLE_APPROVAL", "RESUBMISSION_AFTER_REJECTION"];

/** The share of a month's lines that may be rejected before the month is held back as a bad delivery. */
export const MAX_REJECT_SHARE = 0.1;

/**
 * The process step leaves its rejects in its DuckDB session as this table
 * (PROCESSED_TABLES.rejects in src/assets/ttb/processed.ts): the rejects of
 * this very run are not published yet when processed_colas is checked.
 */
const STAGED_REJECTS_TABLE = "ttb_rejects";

async function count(ctx: CheckContext, relation: string): Promise<number> {
  const [row] = await ctx.sql.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${relation}`);
  return Number(row?.n ?? 0);
}

/** raw lines = processed lines + rejected lines, for the month being processed. */
async function rawEqualsProcessedPlusRejected(ctx: CheckContext): Promise<CheckOutcome> {
  const raw = await count(ctx, ctx.sql.ident("raw_colas"));
  const processed = await count(ctx, ctx.sql.ident("output"));
  const rejected = await count(ctx, ctx.sql.ident(STAGED_REJECTS_TABLE));
  const passed = raw === processed + rejected;
  return {
    passed,
    measured: processed + rejected,
    threshold: `= ${raw}`,
    message: `${raw} raw lines, ${processed} processed + ${rejected} rejected`,
    ...(passed ? {} : { failingCount: 1, failingRows: [{ raw, processed, rejected }] }),
  };
}

async function rejectShareWithinLimit(ctx: CheckContext): Promise<CheckOutcome> {
  const processed = await count(ctx, ctx.sql.ident("output"));
  const rejected = await count(ctx, ctx.sql.ident(STAGED_REJECTS_TABLE));
  const share = processed + rejected === 0 ? 0 : rejected / (processed + rejected);
  return {
    passed: share <= MAX_REJECT_SHARE,
    measured: Number(share.toFixed(4)),
    threshold: `<= ${MAX_REJECT_SHARE}`,
    message: `${rejected} of ${processed + rejected} lines rejected`,
  };
}

/**
 * Day files that are mostly refused. A month of ~30 day files can pass the
 * month-level share with one file entirely garbage (3% of the month), and
 * publishing would silently thin that day out of the warehouse: each file
 * is held to the same limit on its own.
 */
const dayFilesMostlyRejectedSql = `
  WITH lines AS (SELECT source_file, count(*) AS lines FROM raw_colas GROUP BY source_file),
       refused AS (SELECT source_file, count(*) AS rejected FROM ${STAGED_REJECTS_TABLE} GROUP BY source_file)
  SELECT lines.source_file, lines.lines, coalesce(refused.rejected, 0) AS rejected,
         round(coalesce(refused.rejected, 0) / lines.lines, 4) AS share
  FROM lines LEFT JOIN refused USING (source_file)
  WHERE coalesce(refused.rejected, 0) > ${MAX_REJECT_SHARE} * lines.lines
  ORDER BY lines.source_file`;

/** Fact rows whose key has no row in the dimension (the dimensions are the fact step's input views). */
function danglingKeysSql(dimension: string, key: string): string {
  return `
    SELECT facts.ttb_id, facts.${key}
    FROM output AS facts
    LEFT JOIN ${dimension} AS dimension USING (${key})
    WHERE facts.${key} IS NULL OR dimension.${key} IS NULL`;
}

const FACT_KEYS: Array<[dimension: string, key: string]> = [
  ["dim_company", "company_key"],
  ["dim_brand", "brand_key"],
  ["dim_product_class", "product_class_key"],
  ["dim_origin", "origin_key"],
  ["dim_date", "date_key"],
];

export const ttbChecks: CheckDefinition[] = [
  defineCheck({ asset: "ttb/raw_colas", ...freshness({ partitionDeadline: { afterPartitionEnd: "P2D" }, severity: "warn" }) }),
  defineCheck({ asset: "ttb/processed_colas", name: "raw_equals_processed_plus_rejected", blocking: true, check: rawEqualsProcessedPlusRejected }),
  defineCheck({ asset: "ttb/processed_colas", name: "reject_share_within_limit", blocking: true, check: rejectShareWithinLimit }),
  defineCheck({
    asset: "ttb/processed_colas",
    name: "no_day_file_mostly_rejected",
    description: `No day file has more than ${MAX_REJECT_SHARE * 100}% of its lines refused (a garbage file must not thin out its day).`,
    blocking: true,
    check: dayFilesMostlyRejectedSql,
  }),
  defineCheck({ asset: "ttb/processed_colas", ...acceptedValues("status", STATUSES, { allowNull: false, blocking: true }) }),
  defineCheck({ asset: "ttb/processed_colas", ...acceptedValues("application_type", APPLICATION_TYPES, { allowNull: false, blocking: true }) }),
  defineCheck({ asset: "ttb/consolidated_colas", ...unique("ttb_id", { blocking: true }) }),
  defineCheck({ asset: "ttb/consolidated_colas", ...acceptedValues("current_status", STATUSES, { allowNull: false, blocking: true }) }),
  defineCheck({
    asset: "ttb/dim_company",
    name: "scd2_intervals_do_not_overlap",
    blocking: true,
    check: `
      SELECT earlier.permit_no, earlier.company_key AS earlier_key, later.company_key AS later_key,
             earlier.valid_from, earlier.valid_to, later.valid_from AS later_valid_from
      FROM output AS earlier
      JOIN output AS later
        ON later.permit_no = earlier.permit_no
       AND later.company_key <> earlier.company_key
       AND later.valid_from >= earlier.valid_from
       AND later.valid_from < coalesce(earlier.valid_to, DATE '9999-12-31')
      -- an empty interval (two versions opened on one day) covers no day
      WHERE coalesce(later.valid_to, DATE '9999-12-31') > later.valid_from
        AND coalesce(earlier.valid_to, DATE '9999-12-31') > earlier.valid_from`,
  }),
  defineCheck({
    asset: "ttb/dim_company",
    name: "one_current_row_per_company",
    blocking: true,
    check: "SELECT permit_no, count(*) FILTER (WHERE is_current) AS current_rows FROM output GROUP BY permit_no HAVING count(*) FILTER (WHERE is_current) <> 1",
  }),
  defineCheck({ asset: "ttb/dim_company", ...unique("company_key", { blocking: true }) }),
  ...FACT_KEYS.map(([dimension, key]) =>
    defineCheck({ asset: "ttb/fact_label_approvals", name: `${key}_exists_in_${dimension}`, blocking: true, check: danglingKeysSql(dimension, key) }),
  ),
  defineCheck({ asset: "ttb/fact_label_approvals", ...unique("ttb_id", { blocking: true }) }),
];
