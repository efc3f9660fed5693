/**
 * Shared set-up of the market-pipeline unit tests: a local temp store, an
 * in-process execution environment, and a way to write small vendor files.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { marketAssets } from "../../src/assets/market";
import { marketChecks } from "../../src/checks/market";
import { loadConfig } from "../../src/config";
import { defineDefinitions, type Definitions } from "../../src/core";
import { createExecutionEnvironment, type ExecutionEnvironment } from "../../src/execution";
import { DuckDbSession, quoteLiteral } from "../../src/resources/duckdb";
import { createObjectStore, type ObjectStore } from "../../src/resources/object-store";
import { createLogger } from "../../src/utils/logger";

export interface MarketHarness {
  dir: string;
  store: ObjectStore;
  env: ExecutionEnvironment;
  definitions: Definitions;
}

export function marketHarness(): MarketHarness {
  const dir = mkdtempSync(join(tmpdir(), "materia-market-test-"));
  const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: join(dir, "home"), MATERIA_STORAGE_URL: `file://${join(dir, "lake")}` } });
  const store = createObjectStore(`file://${join(dir, "lake")}`);
  const env = createExecutionEnvironment(config, createLogger({ level: "silent", format: "json" }), { store });
  return { dir, store, env, definitions: defineDefinitions({ assets: marketAssets, checks: marketChecks }) };
}

/** Write the rows of `selectSql` (VARCHAR-able columns) as a zstd CSV and upload it under `key`. */
export async function putCsvZst(h: MarketHarness, key: string, selectSql: string, options: { header?: boolean } = {}): Promise<void> {
  const file = join(h.dir, `${key.replace(/\W/g, "_")}.csv.zst`);
  const db = await DuckDbSession.open({ memoryLimit: "256MB", tempDir: join(h.dir, "spill") });
  try {
    await db.run(`COPY (${selectSql}) TO ${quoteLiteral(file)} (FORMAT csv, HEADER ${options.header ?? true}, COMPRESSION zstd)`);
  } finally {
    await db.close();
  }
  await h.store.putFile(key, file);
}

/** Rows of a published partition of an asset. */
export async function readPublished<T extends Record<string, unknown>>(h: MarketHarness, asset: string, partition: string, sql = "SELECT * FROM data"): Promise<T[]> {
  const manifest = await h.env.catalog.readManifest(asset, partition);
  if (!manifest) throw new Error(`${asset}[${partition}] is not published`);
  const path = await h.store.localPath(manifest.dataKey, join(h.dir, "scratch"));
  const db = await DuckDbSession.open({ memoryLimit: "256MB", tempDir: join(h.dir, "spill") });
  try {
    await db.run(`CREATE VIEW data AS SELECT * FROM read_parquet(${quoteLiteral(path)})`);
    return await db.all<T>(sql);
  } finally {
    await db.close();
  }
}
