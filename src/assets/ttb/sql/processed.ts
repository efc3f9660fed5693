/**
 * Parse and normalise raw lines, then validate them with named rules (the
 * SQL equivalent of a zod schema). A line breaking any rule goes to rejects
 * with every rule it broke; the rest are processed COLAs. Status changes are
 * split out as events: the first status a COLA shows in the month, and each
 * later line whose status differs from the one before it.
 */
import type { SqlConnection } from "materia";
import { APPLICATION_TYPES, CLASS_TYPES, EXTRACT_COLUMNS, RECEIPT_METHODS, STATUSES } from "../reference";
import { inList, listLiteral } from "./reference";

/** One validation rule: its reason name and the SQL condition (over `parsed`) under which a line breaks it. */
export interface ValidationRule {
  reason: string;
  failsWhen: string;
}

export function validationRules(sql: SqlConnection): ValidationRule[] {
  return [
    { reason: "unknown_columns", failsWhen: "len(unknown_columns) > 0" },
    {
      reason: "malformed_ttb_id",
      failsWhen: `ttb_id IS NULL
        OR NOT regexp_full_match(ttb_id, '[0-9]{14}')
        OR substr(ttb_id, 6, 3) NOT IN ${inList(sql, RECEIPT_METHODS)}
        OR try_cast(substr(ttb_id, 3, 3) AS INTEGER) NOT BETWEEN 1 AND 366`,
    },
    { reason: "missing_permit_no", failsWhen: "permit_no IS NULL" },
    { reason: "malformed_permit_no", failsWhen: "NOT regexp_full_match(permit_no, '[A-Z]{2,4}-[A-Z]{1,2}-[0-9]{1,6}')" },
    { reason: "unparseable_completed_date", failsWhen: "completed_date IS NULL" },
    { reason: "completed_after_extract", failsWhen: "completed_date > extract_date" },
    { reason: "unknown_status", failsWhen: `status IS NULL OR status NOT IN ${inList(sql, STATUSES)}` },
    { reason: "unknown_application_type", failsWhen: `application_type IS NULL OR application_type NOT IN ${inList(sql, APPLICATION_TYPES)}` },
    { reason: "missing_brand_name", failsWhen: "brand_name IS NULL" },
    { reason: "missing_company_name", failsWhen: "company_name IS NULL" },
  ];
}

/** Upper case, blanks (tabs, doubled spaces) collapsed, empty as NULL. */
function cleanText(expression: string): string {
  return `nullif(upper(trim(regexp_replace(${expression}, '\\s+', ' ', 'g'))), '')`;
}

/** The extract's columns as a from_json structure: every field read as text, typed by the rules below. */
function extractStructure(): string {
  return JSON.stringify(Object.fromEntries(EXTRACT_COLUMNS.map((column) => [column, "VARCHAR"])));
}

/** Creates table `parsed_lines`: raw lines with typed, normalised fields and their rejection reasons. */
export function parsedLinesSql(sql: SqlConnection, rawView: string): string {
  const rules = validationRules(sql);
  const f = (name: string) => `fields.${name}`;
  const knownCodes = inList(sql, CLASS_TYPES.map((c) => c.code));
  return `
    CREATE TABLE parsed_lines AS
    WITH json_lines AS (
      SELECT
        source_file, extract_date, line_number, record,
        coalesce(try(json_type(record)) = 'OBJECT', false) AS is_json_object
      FROM ${sql.ident(rawView)}
    ),
    -- one JSON parse for the fields, one for the keys: unknown columns are not in the structure
    json_objects AS (
      SELECT
        source_file, extract_date, line_number, record, is_json_object,
        CASE WHEN is_json_object THEN from_json(record, ${sql.literal(extractStructure())}) END AS fields,
        CASE WHEN is_json_object THEN list_filter(json_keys(record), column_name -> NOT list_contains(${listLiteral(sql, EXTRACT_COLUMNS)}, column_name)) END AS unknown_columns
      FROM json_lines
    ),
    parsed AS (
      SELECT
        source_file, extract_date, line_number, record, is_json_object, unknown_columns,
        nullif(regexp_replace(${f("ttb_id")}, '\\s', '', 'g'), '') AS ttb_id,
        ${cleanText(f("permit_no"))} AS permit_no,
        ${cleanText(f("serial_number"))} AS serial_number,
        coalesce(try_strptime(trim(${f("completed_date")}), '%m/%d/%Y'), try_strptime(trim(${f("completed_date")}), '%Y-%m-%d'))::DATE AS completed_date,
        ${cleanText(f("fanciful_name"))} AS fanciful_name,
        ${cleanText(f("brand_name"))} AS brand_name,
        ${cleanText(f("origin_code"))} AS origin_code,
        ${cleanText(f("origin_desc"))} AS origin_desc,
        ${cleanText(f("class_type_code"))} AS class_type_code,
        ${cleanText(f("class_type_desc"))} AS class_type_desc,
        ${cleanText(f("status"))} AS status,
        replace(${cleanText(f("application_type"))}, ' ', '_') AS application_type,
        ${cleanText(f("company_name"))} AS company_name,
        ${cleanText(f("company_address"))} AS company_address,
        try_cast(regexp_extract(${f("alcohol_content")}, '[0-9]+(\\.[0-9]+)?') AS DECIMAL(5, 2)) AS alcohol_pct,
        ${cleanText(f("net_contents"))} AS net_contents,
        try_cast(trim(${f("vintage")}) AS INTEGER) AS vintage,
        ${cleanText(f("appellation"))} AS appellation
      FROM json_objects
    )
    SELECT
      *,
      class_type_code IN ${knownCodes} AS class_type_known,
      CASE
        WHEN NOT is_json_object THEN ['invalid_json']
        ELSE list_filter([
          ${rules.map((rule) => `CASE WHEN coalesce(${rule.failsWhen}, false) THEN ${sql.literal(rule.reason)} END`).join(",\n          ")}
        ], reason -> reason IS NOT NULL)
      END AS reasons
    FROM parsed`;
}

export const PROCESSED_COLUMNS = [
  "ttb_id", "permit_no", "serial_number", "completed_date", "fanciful_name", "brand_name",
  "origin_code", "origin_desc", "class_type_code", "class_type_desc", "class_type_known", "status",
  "application_type", "company_name", "company_address", "alcohol_pct", "net_contents", "vintage",
  "appellation", "extract_date", "source_file", "line_number",
] as const;

export function processedColasSql(): string {
  return `
    SELECT ${PROCESSED_COLUMNS.join(", ")}
    FROM parsed_lines
    WHERE len(reasons) = 0
    ORDER BY extract_date, source_file, line_number`;
}

export function rejectsSql(): string {
  return `
    SELECT source_file, extract_date, line_number, reasons, unknown_columns, record
    FROM parsed_lines
    WHERE len(reasons) > 0
    ORDER BY source_file, line_number`;
}

/** A status event per COLA: its first status in the month, then every change between consecutive lines. */
export function statusEventsSql(): string {
  return `
    WITH ordered AS (
      SELECT
        ttb_id, status, extract_date, source_file, line_number,
        lag(status) OVER (PARTITION BY ttb_id ORDER BY extract_date, source_file, line_number) AS previous_status
      FROM parsed_lines
      WHERE len(reasons) = 0
    )
    SELECT ttb_id, status, extract_date AS event_date, source_file, line_number
    FROM ordered
    WHERE previous_status IS DISTINCT FROM status
    ORDER BY event_date, source_file, line_number`;
}
