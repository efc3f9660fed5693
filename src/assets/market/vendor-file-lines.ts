/**
 * Counting the vendor file's records without the CSV reader. DuckDB's reader
 * can refuse a line without recording it (a file whose every row had a
 * non-numeric price lost 4% of its lines between rows and rejects), so
 * reconciling the reader's rows with the reader's rejects proves nothing.
 * This decompresses the file independently and counts its non-blank lines:
 * the one count the reconciliation check trusts.
 *
 * The decompressor is zstd's own C library (a native addon that decompresses
 * on the libuv thread pool): 0.15 CPU-s for a month's 60 MB, where a
 * JavaScript decoder (fzstd) took 0.54–0.73 on the event loop's thread.
 */
import { readFile } from "node:fs/promises";
import { decompress } from "@mongodb-js/zstd";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Non-blank lines of `text` (a line of nothing, or of a lone carriage return, is blank). */
export function countNonBlankLines(text: Uint8Array): number {
  const bytes = Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  let lines = 0;
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline === -1 ? bytes.length : newline;
    const length = end - start;
    if (length > 1 || (length === 1 && bytes[start] !== CARRIAGE_RETURN)) lines++;
    start = end + 1;
  }
  return lines;
}

/** Data records of a zstd CSV file with a header line: its non-blank lines minus the header. */
export async function countVendorRecords(path: string): Promise<number> {
  const lines = countNonBlankLines(await decompress(await readFile(path)));
  return Math.max(0, lines - 1);
}
