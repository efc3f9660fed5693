/**
 * Bad vendor deliveries, made from a good one: the seven ways a market file
 * arrives broken, and three broken TTB day files. Each is the bytes a
 * vendor could really send; the scenario re-delivers it over a good month.
 */
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { VENDOR_COLUMNS } from "../../src/assets/market/layout";
import { DuckDbSession, quoteLiteral } from "../../src/resources/duckdb";

export interface BadFile {
  name: string;
  bytes: Buffer;
}

/** The good month's rows as text columns, in the file's order (by time, then instrument). */
const GOOD_ROWS = "good_rows";

/**
 * truncated zstd, wrong header, wrong types (every row's 5th field "abc"),
 * empty, header only, duplicated rows, not zstd — from the good file at `goodPath`.
 */
export async function badMarketFiles(goodPath: string, scratch: string): Promise<BadFile[]> {
  const good = readFileSync(goodPath);
  const db = await DuckDbSession.open({ memoryLimit: "1GB", threads: 2, tempDir: join(scratch, "duckdb") });
  const columns = VENDOR_COLUMNS.join(", ");
  const written = async (name: string, select: string, compression: "zstd" | "none"): Promise<BadFile> => {
    const path = join(scratch, `${name}.csv${compression === "zstd" ? ".zst" : ""}`);
    await db.run(`COPY (${select}) TO ${quoteLiteral(path)} (FORMAT csv, HEADER true, COMPRESSION ${compression})`);
    const bytes = readFileSync(path);
    rmSync(path);
    return { name, bytes };
  };
  try {
    await db.run(`CREATE TABLE ${GOOD_ROWS} AS SELECT * FROM read_csv(${quoteLiteral(goodPath)}, compression = 'zstd', header = true, all_varchar = true, ignore_errors = true)`);
    const ordered = `ORDER BY ts_event, instrument_id`;
    const renamed = VENDOR_COLUMNS.map((c, i) => (i === 0 ? `${c} AS timestamp` : c)).join(", ");
    const fifthAbc = VENDOR_COLUMNS.map((c, i) => (i === 4 ? `'abc' AS ${c}` : c)).join(", ");
    return [
      { name: "truncated zstd", bytes: good.subarray(0, Math.floor(good.length / 2)) },
      await written("wrong header", `SELECT ${renamed} FROM ${GOOD_ROWS} ${ordered}`, "zstd"),
      await written("wrong types", `SELECT ${fifthAbc} FROM ${GOOD_ROWS} ${ordered}`, "zstd"),
      { name: "empty", bytes: Buffer.alloc(0) },
      await written("header only", `SELECT ${columns} FROM ${GOOD_ROWS} LIMIT 0`, "zstd"),
      await written("duplicated rows", `SELECT ${columns} FROM (SELECT * FROM ${GOOD_ROWS} UNION ALL SELECT * FROM ${GOOD_ROWS}) ${ordered}`, "zstd"),
      await written("not zstd", `SELECT ${columns} FROM ${GOOD_ROWS} ${ordered}`, "none"),
    ];
  } finally {
    await db.close();
  }
}

/** Bytes that are nobody's text: a deterministic stream of sha256 blocks, with no newline-separated JSON in it. */
function binaryBytes(size: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0, total = 0; total < size; i++, total += 32) blocks.push(createHash("sha256").update(`chaos-${i}`).digest());
  return Buffer.concat(blocks).subarray(0, size);
}

/** Three broken day files, each to replace one good day file of `good` (its lines). */
export function badTtbDayFiles(good: string): BadFile[] {
  const lines = good.split("\n").filter((line) => line.trim() !== "").length;
  return [
    // A day exported as pipe-separated text instead of JSON lines, among good days.
    { name: "garbage day file", bytes: Buffer.from(`${Array.from({ length: Math.max(lines, 40) }, () => "ID|BRAND|STATUS").join("\n")}\n`) },
    { name: "empty day file", bytes: Buffer.alloc(0) },
    { name: "binary day file", bytes: binaryBytes(64 * 1024) },
  ];
}
