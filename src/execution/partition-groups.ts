/**
 * A step over a group of partitions (an asset's backfill policy): one query
 * over the range, its result split into one staged file per partition by
 * the asset's `partitionColumn`, each then checked and published as its own
 * version. Here: the leases of every member, the group's time window, and
 * the split.
 */
import { join } from "node:path";
import { MaterializeError, type AssetStep, type TimeWindow } from "../core";
import { Lease, type LeaseOptions } from "../resources/catalog";
import { quoteLiteral, type DuckDbSession } from "../resources/duckdb";
import type { ObjectStore } from "../resources/object-store";

/** The leases of every member partition, taken in key order (so two groups never wait on each other in a circle). */
export async function acquireLeases(store: ObjectStore, step: string, partitions: Array<string | null>, owner: string, options: LeaseOptions): Promise<Lease[]> {
  const leases: Lease[] = [];
  try {
    for (const partition of [...partitions].sort()) leases.push(await Lease.acquire(store, step, partition, owner, options));
    return leases;
  } catch (error) {
    await Promise.all(leases.map((lease) => lease.release().catch(() => undefined)));
    throw error;
  }
}

/** From the first member's window start to the last member's end. */
export function groupTimeWindow(windows: Array<TimeWindow | undefined>): TimeWindow | undefined {
  const defined = windows.filter((w): w is TimeWindow => w !== undefined);
  if (defined.length === 0 || defined.length < windows.length) return undefined;
  return { start: defined[0]!.start, end: defined[defined.length - 1]!.end };
}

/** Split the group's staged result into one file per partition; every row must belong to one of them. */
export async function splitByPartition(db: DuckDbSession, step: AssetStep, stagedPath: string, partitions: string[], scratchDir: string, options: Parameters<DuckDbSession["copyToParquet"]>[2]): Promise<Array<{ partition: string; path: string; rowCount: number }>> {
  const definition = step.definition;
  const column = definition.type === "asset" ? definition.backfill?.partitionColumn : undefined;
  if (column === undefined) throw new MaterializeError(`"${step.name}" materialized a group of partitions without a backfill.partitionColumn.`);
  const source = `read_parquet(${quoteLiteral(stagedPath)})`;
  const columns = await db.describe(`SELECT * FROM ${source}`);
  if (!columns.some((c) => c.name === column)) {
    throw new MaterializeError(`"${step.name}" returned no column "${column}" (its backfill.partitionColumn), so its rows cannot be split by partition.`, {
      hint: `Return each row's partition key in "${column}" when ctx.partitionKeys holds several partitions.`,
    });
  }
  const outside = await db.all<{ key: string | null; n: bigint | number }>(
    `SELECT CAST(${db.ident(column)} AS VARCHAR) AS key, count(*) AS n FROM ${source} WHERE CAST(${db.ident(column)} AS VARCHAR) NOT IN (${partitions.map(quoteLiteral).join(", ")}) OR ${db.ident(column)} IS NULL GROUP BY 1 LIMIT 3`,
  );
  if (outside.length > 0) {
    throw new MaterializeError(`"${step.name}" returned rows whose "${column}" is outside the partitions it materializes (${outside.map((r) => `${r.key ?? "NULL"}: ${Number(r.n)} rows`).join(", ")}).`, {
      hint: `Materialize only ctx.partitionKeys (${partitions[0]}..${partitions[partitions.length - 1]}).`,
    });
  }
  const split: Array<{ partition: string; path: string; rowCount: number }> = [];
  for (const partition of partitions) {
    const path = join(scratchDir, `${step.name.replace(/\//g, "__")}.${partition.replace(/[^A-Za-z0-9_-]/g, "_")}.parquet`);
    const rowCount = await db.copyToParquet(`SELECT * FROM ${source} WHERE CAST(${db.ident(column)} AS VARCHAR) = ${quoteLiteral(partition)}`, path, options);
    split.push({ partition, path, rowCount });
  }
  return split;
}
