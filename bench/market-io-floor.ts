/**
 * The market chain's I/O floor: the CPU any implementation of the five steps
 * spends just moving the month's data, with no transform at all — reading
 * the vendor file, then reading and rewriting each published asset once with
 * its step's Parquet settings. It tells how much of the chain is data
 * movement and how much is transform, and bounds what any SQL could reach:
 * on n cores the chain cannot finish faster than this floor / n.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { landingKey } from "../src/assets/market/layout";
import { readVendorFileSql } from "../src/assets/market/sql/raw-bars";
import type { Definitions } from "../src/core";
import type { ExecutionEnvironment } from "../src/execution";
import { DuckDbSession } from "../src/resources/duckdb";

export interface IoFloorRow {
  what: string;
  cpuSeconds: number;
  megabytes?: number;
}

/** Least CPU seconds of `runs` runs: the machine's noise only ever adds. */
async function leastCpuSeconds(runs: number, work: () => Promise<unknown>): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    await work();
    const used = process.cpuUsage(before);
    least = Math.min(least, (used.user + used.system) / 1e6);
  }
  return least;
}

export async function marketIoFloor(definitions: Definitions, env: ExecutionEnvironment, month: string): Promise<IoFloorRow[]> {
  const scratch = mkdtempSync(join(tmpdir(), "materia-io-floor-"));
  const db = await DuckDbSession.open(env.duckdb);
  try {
    const rows: IoFloorRow[] = [];
    const vendorFile = await env.store.localPath(landingKey(month), scratch);
    rows.push({ what: "read the vendor file", cpuSeconds: await leastCpuSeconds(3, () => db.run(readVendorFileSql(db, vendorFile))) });
    for (const definition of definitions.assets) {
      if (definition.type === "source" || definition.group !== "market") continue;
      const keys = definition.type === "multi" ? definition.outputs.map((o) => o.key) : [definition.key];
      for (const key of keys) {
        const manifest = await env.catalog.readManifest(key, month);
        if (!manifest) throw new Error(`${key} has no published ${month}: run the chain first`);
        const path = await env.store.localPath(manifest.dataKey, scratch);
        const rewritten = join(scratch, "rewritten.parquet");
        const cpuSeconds = await leastCpuSeconds(3, () => db.copyToParquet(`SELECT * FROM read_parquet(${db.literal(path)})`, rewritten, definition.parquet));
        rows.push({ what: `read + rewrite ${key.replace("market/", "")}`, cpuSeconds, megabytes: manifest.bytes / 1e6 });
      }
    }
    return rows;
  } finally {
    await db.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
