/**
 * Stage 1: the vendor's monthly file → `market/raw_bars` (validated, decoded,
 * deduplicated) and `market/raw_bars_rejects` (every refused row with its reason).
 * The landing file is only read, never modified.
 */
import { defineMultiAsset, defineSourceAsset, type MaterializeContext, type SqlConnection } from "materia";
import { landingKey, MARKET_MONTHS, VENDOR_COLUMNS } from "./layout";
import { RAW_TABLES, rawBarsSelectSql, readerLinesSql, readVendorFileSql, rejectsSelectSql, validateVendorRowsSql } from "./sql/raw-bars";
import { VendorFileError } from "./vendor-file-error";
import { countVendorRecords } from "./vendor-file-lines";
import { zstdIntegrityProblem } from "./zstd-frames";

export const vendorFiles = defineSourceAsset({
  key: "market/vendor_files",
  description: "Monthly Databento-style ohlcv-1m CSV exports (zstd) in landing/market/ohlcv-1m/.",
  partitions: MARKET_MONTHS,
  async observe({ partitionKey, objects }) {
    const key = landingKey(partitionKey!);
    const file = (await objects.list(key)).find((f) => f.key === key);
    return file ? { dataVersion: file.etag ?? `${file.size}`, metadata: { key, bytes: file.size } } : undefined;
  },
});

export const rawBars = defineMultiAsset({
  name: "market/ingest_vendor_file",
  description: "Validate and decode the month's vendor file; refused rows are kept with a reason.",
  partitions: MARKET_MONTHS,
  deps: ["market/vendor_files"],
  codeVersion: "1",
  retry: { nonRetryableErrorTypes: ["VendorFileError"] },
  outputs: [
    { key: "market/raw_bars", description: "Accepted 1-minute bars, prices decoded, one row per instrument and minute." },
    // A clean vendor file has no rejects: empty is a real state here.
    { key: "market/raw_bars_rejects", description: "Rows of the vendor file that failed validation, with the rule they broke.", allowEmpty: true },
  ],
  async materialize(ctx) {
    const key = landingKey(ctx.partitionKey!);
    const path = await ctx.objects.localPath(key);
    const damage = zstdIntegrityProblem(path);
    if (damage !== undefined) throw new VendorFileError(`The vendor file ${key} cannot be decompressed: ${damage}.`);
    await assertVendorHeader(ctx.sql, path, key);
    // DuckDB reads the file on its own threads while zstd decompresses it again on the thread pool to count its records;
    // both settle before either error is thrown (a count that fails names the damage better than the reader)
    const [read, counted] = await Promise.allSettled([loadVendorRows(ctx, path, key), countRecords(path, key)]);
    if (counted.status === "rejected") throw counted.reason;
    if (read.status === "rejected") throw read.reason;
    const records = counted.value;
    await ctx.sql.run(`CREATE OR REPLACE TEMP TABLE ${RAW_TABLES.fileRecords} AS SELECT ${records}::BIGINT AS records`);
    await ctx.sql.run(validateVendorRowsSql(ctx.sql, ctx.timeWindow!));
    const [counts] = await ctx.sql.all<{ readerLines: bigint; rejected: bigint }>(
      `SELECT ${readerLinesSql()} AS readerLines, (SELECT count(*) FROM ${RAW_TABLES.rejects}) AS rejected`,
    );
    ctx.addMetadata({ landingKey: key, fileRows: records, readerLines: Number(counts?.readerLines ?? 0), rejectedRows: Number(counts?.rejected ?? 0) });
    return {
      outputs: {
        "market/raw_bars": { query: rawBarsSelectSql() },
        "market/raw_bars_rejects": { query: rejectsSelectSql() },
      },
    };
  },
});

/** A wrong header means the columns would be misread: refuse the whole file. A single-threaded scan makes LIMIT 1 the first line. */
async function assertVendorHeader(sql: SqlConnection, path: string, key: string): Promise<void> {
  let header: string | undefined;
  try {
    const [first] = await sql.all<{ line: string }>(
      `SELECT line FROM read_csv(${sql.literal(path)}, compression = 'zstd', header = false, auto_detect = false, delim = '\t', quote = '', escape = '', columns = {'line': 'VARCHAR'}, parallel = false) LIMIT 1`,
    );
    header = first?.line;
  } catch (error) {
    throw new VendorFileError(`The vendor file ${key} cannot be decompressed or read: ${errorText(error)}.`, { cause: error });
  }
  const expected = VENDOR_COLUMNS.join(",");
  if (header === undefined) throw new VendorFileError(`The vendor file ${key} is empty.`);
  if (header.trim() !== expected) {
    throw new VendorFileError(`The vendor file ${key} has the header "${header.slice(0, 200)}"; expected "${expected}".`);
  }
}

/** The file's data records, counted without the CSV reader; none is a bad delivery. */
async function countRecords(path: string, key: string): Promise<number> {
  let records: number;
  try {
    records = await countVendorRecords(path);
  } catch (error) {
    throw new VendorFileError(`The vendor file ${key} cannot be decompressed: ${errorText(error)}.`, { cause: error });
  }
  if (records === 0) throw new VendorFileError(`The vendor file ${key} has a header but no rows.`);
  return records;
}

async function loadVendorRows(ctx: MaterializeContext, path: string, key: string): Promise<void> {
  try {
    await ctx.sql.run(readVendorFileSql(ctx.sql, path));
  } catch (error) {
    throw new VendorFileError(`The vendor file ${key} could not be read to the end (truncated or corrupt?): ${errorText(error)}.`, { cause: error });
  }
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
