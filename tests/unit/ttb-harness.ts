/** Shared setup of the TTB unit tests: a temp store, an in-process environment, the TTB definitions. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ttbAssets } from "../../src/assets/ttb";
import { ttbChecks } from "../../src/checks/ttb";
import { loadConfig } from "../../src/config";
import { defineDefinitions, type Definitions } from "../../src/core";
import { createExecutionEnvironment, type ExecutionEnvironment } from "../../src/execution";
import { DuckDbSession } from "../../src/resources/duckdb";
import { createObjectStore } from "../../src/resources/object-store";
import { ttbJobs, ttbSchedules, ttbSensors } from "../../src/jobs/ttb";
import { createLogger } from "../../src/utils/logger";

export function ttbDefinitions(): Definitions {
  return defineDefinitions({ assets: ttbAssets, checks: ttbChecks, jobs: ttbJobs, schedules: ttbSchedules, sensors: ttbSensors });
}

export function tempEnvironment(): ExecutionEnvironment {
  const home = mkdtempSync(join(tmpdir(), "materia-ttb-"));
  const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: home } });
  return createExecutionEnvironment(config, createLogger({ level: "fatal", format: "json" }), { store: createObjectStore(`file://${join(home, "lake")}`) });
}

/** Rows of an asset's published partition (null for unpartitioned), read with DuckDB. */
export async function publishedRows<T extends Record<string, unknown>>(env: ExecutionEnvironment, asset: string, partition: string | null, orderBy: string): Promise<T[]> {
  const manifest = await env.catalog.readManifest(asset, partition);
  if (!manifest) throw new Error(`${asset}[${partition ?? "-"}] is not published`);
  const path = await env.store.localPath(manifest.dataKey, env.scratchRoot);
  const db = await DuckDbSession.open(env.duckdb);
  try {
    return await db.all<T>(`SELECT * FROM read_parquet('${path.replace(/'/g, "''")}') ORDER BY ${orderBy}`);
  } finally {
    await db.close();
  }
}

/** A registry line as the export writes it. */
export function registryLine(fields: Record<string, string>): string {
  return JSON.stringify(fields);
}
