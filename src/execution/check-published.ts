/**
 * Re-run an asset's checks on already published partitions, without
 * re-materializing: the published data becomes the `output` view, results
 * are recorded like a step's (and drive alerts the same way).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Definitions } from "../core";
import type { CheckResult } from "../resources/catalog";
import { DuckDbSession, quoteLiteral } from "../resources/duckdb";
import { OUTPUT_VIEW, runChecks } from "./checks";
import type { ExecutionEnvironment } from "./environment";
import { MissingInputError } from "./errors";
import { publishedView } from "./inputs";

export async function checkPublished(definitions: Definitions, env: ExecutionEnvironment, request: { asset: string; partition: string | null; runId: string }): Promise<CheckResult[]> {
  const node = definitions.graph.node(request.asset);
  const manifest = await env.catalog.readManifest(request.asset, request.partition);
  if (!manifest) {
    throw new MissingInputError(`"${request.asset}"${request.partition === null ? "" : ` partition ${request.partition}`} has never been materialized: nothing to check.`, "Materialize it first.");
  }
  const scratchDir = join(env.scratchRoot, `check-${randomBytes(4).toString("hex")}`);
  mkdirSync(scratchDir, { recursive: true });
  const db = await DuckDbSession.open(env.duckdb);
  try {
    const path = await env.store.localPath(manifest.dataKey, scratchDir);
    await db.run(`CREATE OR REPLACE VIEW ${db.ident(OUTPUT_VIEW)} AS SELECT * FROM read_parquet(${quoteLiteral(path)})`);
    const previous = manifest.history[0] ? await previousSchema(env, manifest.history[0].dataKey, scratchDir, db) : undefined;
    const results = await runChecks(node.checks, {
      db,
      asset: request.asset,
      partition: request.partition,
      timeWindow: undefined,
      runId: request.runId,
      schema: manifest.schema,
      previousSchema: previous,
      viewOf: (assetKey, partitionKeys) => publishedView({ catalog: env.catalog, store: env.store, db, scratchDir }, assetKey, partitionKeys),
    });
    await env.catalog.recordCheckResults(request.asset, request.partition, results);
    return results;
  } finally {
    await db.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

async function previousSchema(env: ExecutionEnvironment, dataKey: string, scratchDir: string, db: DuckDbSession) {
  if (!(await env.store.head(dataKey))) return undefined;
  const path = await env.store.localPath(dataKey, scratchDir);
  return db.describe(`SELECT * FROM read_parquet(${quoteLiteral(path)})`);
}
