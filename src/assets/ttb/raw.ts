/**
 * ttb/registry_extracts (source): the month's day files in the landing area;
 * its version is a digest of their keys and etags, so a re-delivered day
 * file makes everything built from that month stale.
 *
 * ttb/raw_colas (monthly): the month's lines as delivered, with file and line.
 */
import { createHash } from "node:crypto";
import { defineAsset, defineSourceAsset, type ObjectReader } from "materia";
import { TtbLandingError } from "./errors";
import { landingMonthPrefix, monthOfLandingKey } from "./landing";
import { TTB_GROUP, TTB_MONTHS } from "./partitions";
import { rawLinesSql } from "./sql/raw";

/** The month's day files, sorted by key. */
async function dayFilesOf(objects: ObjectReader, month: string) {
  const listed = await objects.list(landingMonthPrefix(month));
  return listed.filter((file) => monthOfLandingKey(file.key) === month);
}

export const registryExtracts = defineSourceAsset({
  key: "ttb/registry_extracts",
  group: TTB_GROUP,
  description: "Daily TTB Public COLA Registry extracts delivered to landing/ttb/YYYY-MM-DD.jsonl.",
  partitions: TTB_MONTHS,
  async observe({ partitionKey, objects }) {
    const files = await dayFilesOf(objects, partitionKey!);
    if (files.length === 0) return undefined;
    const digest = createHash("sha256");
    for (const file of files) digest.update(`${file.key}\t${file.etag ?? file.size}\n`);
    return { dataVersion: digest.digest("hex"), metadata: { files: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0) } };
  },
});

const RAW_TABLE = "raw_colas_lines";

export const rawColas = defineAsset({
  key: "ttb/raw_colas",
  group: TTB_GROUP,
  description: "Every non-blank line of the month's registry extracts, unparsed, with source file and line number.",
  partitions: TTB_MONTHS,
  deps: ["ttb/registry_extracts"],
  codeVersion: "1",
  async materialize(ctx) {
    const month = ctx.partitionKey!;
    const listed = await dayFilesOf(ctx.objects, month);
    if (listed.length === 0) {
      throw new TtbLandingError(`No registry extracts for ${month}: nothing under ${landingMonthPrefix(month)}.`, {
        hint: `Deliver the day files (landing/ttb/${month}-DD.jsonl), or generate them with \`materia generate ttb --from ${month} --to ${month}\`.`,
      });
    }
    const files = await Promise.all(listed.map(async (file) => ({ key: file.key, path: await ctx.objects.localPath(file.key) })));
    await ctx.sql.run(`CREATE TABLE ${ctx.sql.ident(RAW_TABLE)} AS ${rawLinesSql(ctx.sql, files)}`);
    const perFile = await ctx.sql.all<{ source_file: string; lines: bigint }>(
      `SELECT source_file, count(*) AS lines FROM ${ctx.sql.ident(RAW_TABLE)} GROUP BY source_file`,
    );
    const withRows = new Set(perFile.map((row) => row.source_file));
    const empty = files.filter((file) => !withRows.has(file.key)).map((file) => file.key);
    if (empty.length > 0) {
      throw new TtbLandingError(`Day file(s) with no rows in ${month}: ${empty.join(", ")}.`, {
        hint: "The registry export delivered an empty file; ask for a re-delivery. The previously published month stays in place.",
      });
    }
    ctx.addMetadata({ files: files.length, lines: perFile.reduce((sum, row) => sum + Number(row.lines), 0) });
    return { table: RAW_TABLE };
  },
});
