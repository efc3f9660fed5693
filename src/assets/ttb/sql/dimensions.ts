/**
 * Dimensions built from consolidated COLAs. Surrogate keys are hashes of the
 * natural key (plus valid_from for company versions): they stay the same
 * when the dimension is rebuilt with more months, so facts of earlier
 * months keep pointing at the right rows.
 */
import type { SqlConnection } from "materia";
import { classTypesValues, originsValues } from "./reference";

/** A stable BIGINT key from natural-key parts (hash is 64-bit unsigned; drop one bit to fit BIGINT). */
export function surrogateKey(...parts: string[]): string {
  return `(hash(${parts.join(", ")}) >> 1)::BIGINT`;
}

/**
 * SCD type 2 on the permit holder's name and address. Filings are ordered by
 * completed date; a filing whose (name, address) differs from the previous
 * one opens a version. valid_from is the version's first filing date,
 * valid_to the next version's valid_from (exclusive), NULL while current.
 */
export function dimCompanySql(consolidatedView: string): string {
  return `
    WITH filings AS (
      SELECT
        permit_no, company_name, company_address, completed_date, ttb_id,
        (company_name, company_address) IS DISTINCT FROM lag((company_name, company_address))
          OVER (PARTITION BY permit_no ORDER BY completed_date, ttb_id) AS opens_version
      FROM ${consolidatedView}
    ),
    numbered AS (
      SELECT *, sum(opens_version::INTEGER) OVER (PARTITION BY permit_no ORDER BY completed_date, ttb_id ROWS UNBOUNDED PRECEDING) AS version_number
      FROM filings
    ),
    versions AS (
      SELECT
        permit_no, version_number,
        arg_min(company_name, completed_date) AS company_name,
        arg_min(company_address, completed_date) AS company_address,
        min(completed_date) AS valid_from,
        count(*) AS filing_count
      FROM numbered
      GROUP BY permit_no, version_number
    )
    SELECT
      ${surrogateKey("permit_no", "valid_from")} AS company_key,
      permit_no,
      version_number::INTEGER AS version_number,
      company_name,
      company_address,
      regexp_extract(permit_no, '^[A-Z]+') AS permit_type,
      valid_from,
      lead(valid_from) OVER (PARTITION BY permit_no ORDER BY version_number) AS valid_to,
      valid_to IS NULL AS is_current,
      filing_count
    FROM versions
    ORDER BY permit_no, version_number`;
}

/** A brand is a brand name under a permit: brands recur across years, so first and last filing dates tell how long it lives. */
export function dimBrandSql(consolidatedView: string): string {
  return `
    SELECT
      ${surrogateKey("permit_no", "brand_name")} AS brand_key,
      permit_no,
      brand_name,
      min(completed_date) AS first_filed_date,
      max(completed_date) AS last_filed_date,
      count(*) AS cola_count
    FROM ${consolidatedView}
    GROUP BY permit_no, brand_name
    ORDER BY permit_no, brand_name`;
}

/** The class/type reference, plus any unknown code seen in the data (family UNKNOWN) so no fact dangles. */
export function dimProductClassSql(sql: SqlConnection, consolidatedView: string): string {
  return `
    WITH observed AS (
      SELECT class_type_code AS code, any_value(class_type_desc) AS description
      FROM ${consolidatedView}
      WHERE class_type_code IS NOT NULL
      GROUP BY class_type_code
    ),
    classes AS (
      SELECT code, description, family, true AS is_known FROM ${classTypesValues(sql)}
      UNION ALL
      SELECT code, coalesce(description, 'UNKNOWN'), 'UNKNOWN', false
      FROM observed
      WHERE code NOT IN (SELECT code FROM ${classTypesValues(sql)})
      UNION ALL
      SELECT 'UNKNOWN', 'CLASS/TYPE NOT GIVEN', 'UNKNOWN', false
    )
    SELECT ${surrogateKey("code")} AS product_class_key, code, description, family, is_known
    FROM classes
    ORDER BY code`;
}

/** The origin reference (domestic states, imports), plus unknown codes seen in the data. */
export function dimOriginSql(sql: SqlConnection, consolidatedView: string): string {
  return `
    WITH observed AS (
      SELECT origin_code AS code, any_value(origin_desc) AS description
      FROM ${consolidatedView}
      WHERE origin_code IS NOT NULL
      GROUP BY origin_code
    ),
    origins AS (
      SELECT code, description, CASE WHEN is_domestic THEN 'DOMESTIC' ELSE 'IMPORTED' END AS origin_type FROM ${originsValues(sql)}
      UNION ALL
      SELECT code, coalesce(description, 'UNKNOWN'), 'UNKNOWN'
      FROM observed
      WHERE code NOT IN (SELECT code FROM ${originsValues(sql)})
      UNION ALL
      SELECT 'UNKNOWN', 'ORIGIN NOT GIVEN', 'UNKNOWN'
    )
    SELECT ${surrogateKey("code")} AS origin_key, code, description, origin_type
    FROM origins
    ORDER BY code`;
}

/** Every day from the first January to the last December of the completed dates: a calendar the facts join on. */
export function dimDateSql(consolidatedView: string): string {
  return `
    WITH bounds AS (
      SELECT date_trunc('year', min(completed_date)) AS first_day, date_trunc('year', max(completed_date)) + INTERVAL 1 YEAR AS after_last_day
      FROM ${consolidatedView}
    )
    SELECT
      (year(day) * 10000 + month(day) * 100 + dayofmonth(day))::INTEGER AS date_key,
      day::DATE AS date,
      year(day)::INTEGER AS year,
      quarter(day)::INTEGER AS quarter,
      month(day)::INTEGER AS month,
      monthname(day) AS month_name,
      strftime(day, '%Y-%m') AS year_month,
      isodow(day)::INTEGER AS iso_day_of_week,
      isodow(day) >= 6 AS is_weekend
    FROM bounds, range(bounds.first_day, bounds.after_last_day, INTERVAL 1 DAY) AS days(day)
    ORDER BY day`;
}
