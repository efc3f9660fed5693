/**
 * One step, three monthly outputs: ttb/processed_colas (valid, normalised
 * lines), ttb/status_events (status changes split out) and ttb/rejects
 * (invalid lines with every rule they broke). The staged tables stay in the
 * step's session under the names below, so checks can reconcile them.
 */
import { defineMultiAsset } from "materia";
import { TTB_GROUP, TTB_MONTHS } from "./partitions";
import { parsedLinesSql, processedColasSql, rejectsSql, statusEventsSql } from "./sql/processed";

/** Table names of the step's outputs in its DuckDB session (src/checks/ttb.ts reads `ttb_rejects`). */
export const PROCESSED_TABLES = { processed: "ttb_processed_colas", events: "ttb_status_events", rejects: "ttb_rejects" } as const;

export const processColas = defineMultiAsset({
  name: "ttb/process_colas",
  group: TTB_GROUP,
  description: "Parse, normalise and validate the month's raw lines; split out status events; reject invalid lines with reasons.",
  partitions: TTB_MONTHS,
  deps: ["ttb/raw_colas"],
  codeVersion: "1",
  outputs: [
    { key: "ttb/processed_colas", description: "Valid registry lines of the month, typed and normalised (one row per line)." },
    { key: "ttb/status_events", description: "A COLA's first status in the month and each later change." },
    // A clean month has no rejects: empty is a real state here.
    { key: "ttb/rejects", description: "Lines that broke a validation rule, with the rules' names.", allowEmpty: true },
  ],
  async materialize(ctx) {
    await ctx.sql.run(parsedLinesSql(ctx.sql, "raw_colas"));
    await ctx.sql.run(`CREATE TABLE ${PROCESSED_TABLES.processed} AS ${processedColasSql()}`);
    await ctx.sql.run(`CREATE TABLE ${PROCESSED_TABLES.events} AS ${statusEventsSql()}`);
    await ctx.sql.run(`CREATE TABLE ${PROCESSED_TABLES.rejects} AS ${rejectsSql()}`);
    const reasons = await ctx.sql.all<{ reason: string; lines: bigint }>(
      `SELECT reason, count(*) AS lines FROM (SELECT unnest(reasons) AS reason FROM ${PROCESSED_TABLES.rejects}) GROUP BY reason ORDER BY reason`,
    );
    ctx.addMetadata({ rejectReasons: Object.fromEntries(reasons.map((row) => [row.reason, Number(row.lines)])) });
    return {
      outputs: {
        "ttb/processed_colas": { table: PROCESSED_TABLES.processed },
        "ttb/status_events": { table: PROCESSED_TABLES.events },
        "ttb/rejects": { table: PROCESSED_TABLES.rejects },
      },
    };
  },
});
