/**
 * Raw ingest: every non-blank line of the month's day files, as it is, with
 * the landing key it came from and its 1-based line number. Parsing happens
 * downstream, so a malformed line is kept (and later rejected with a reason)
 * instead of failing the read.
 */
import type { SqlConnection } from "materia";

export interface DayFile {
  /** The landing key, e.g. landing/ttb/2024-03-01.jsonl. */
  key: string;
  /** Where DuckDB reads it. */
  path: string;
}

export function rawLinesSql(sql: SqlConnection, files: readonly DayFile[]): string {
  const paths = files.map((file) => sql.literal(file.path)).join(", ");
  const keyOfPath = files.map((file) => `(${sql.literal(file.path)}, ${sql.literal(file.key)})`).join(",\n      ");
  return `
    WITH landing_files(path, source_file) AS (
      VALUES
      ${keyOfPath}
    ),
    file_contents AS (
      SELECT filename AS path, content FROM read_text([${paths}])
    ),
    numbered_lines AS (
      SELECT
        path,
        unnest(string_split(content, chr(10))) AS record,
        generate_subscripts(string_split(content, chr(10)), 1) AS line_number
      FROM file_contents
    )
    SELECT
      landing_files.source_file,
      strptime(regexp_extract(landing_files.source_file, '(\\d{4}-\\d{2}-\\d{2})\\.jsonl$', 1), '%Y-%m-%d')::DATE AS extract_date,
      numbered_lines.line_number::INTEGER AS line_number,
      -- a CRLF file keeps its lines: only the carriage return goes
      rtrim(numbered_lines.record, chr(13)) AS record
    FROM numbered_lines
    JOIN landing_files USING (path)
    WHERE trim(rtrim(numbered_lines.record, chr(13))) <> ''
    ORDER BY source_file, line_number`;
}
