/**
 * Orchestration overhead: N no-op assets × M partitions through a real
 * Temporal dev server (started here on free ports, throwaway state) and an
 * in-process worker. Each step still opens DuckDB, writes a one-row Parquet
 * file and commits a manifest — the fixed cost of a step — so the numbers
 * are materia's per-step overhead, not a transform's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, Connection } from "@temporalio/client";
import { defineAsset, defineDefinitions, monthlyPartitions, type AssetDefinition } from "../src/core";
import { loadConfig } from "../src/config";
import { createExecutionEnvironment } from "../src/execution";
import { startBackfill } from "../src/cli/backfill-progress";
import { startTemporalDevServer } from "../src/temporal/dev-server";
import { createMateriaWorker } from "../src/temporal/worker";
import { createLogger } from "../src/utils/logger";
import { findFreePort } from "../src/utils/process";
import { resolveTool } from "../src/utils/tools";

export interface OrchestrationResult {
  assets: number;
  partitions: number;
  steps: number;
  seconds: number;
  msPerStep: number;
  stepsPerSecond: number;
}

export async function benchOrchestration(options: { assets?: number; partitions?: number; concurrentRuns?: number } = {}): Promise<OrchestrationResult> {
  const assetCount = options.assets ?? 10;
  const partitionCount = options.partitions ?? 12;
  const months = monthlyPartitions({ start: "2020-01" });
  const assets: AssetDefinition[] = [];
  for (let i = 0; i < assetCount; i++) {
    // A fan: every asset reads the first, so steps of one run mostly run side by side.
    assets.push(defineAsset({ key: `bench/noop_${i}`, partitions: months, deps: i === 0 ? [] : ["bench/noop_0"], async materialize() { return "SELECT 1 AS one"; } }));
  }
  const definitions = defineDefinitions({ assets });
  const home = mkdtempSync(join(tmpdir(), "materia-bench-"));
  const repo = loadConfig({ readDotenv: false });
  const cli = resolveTool("temporal", repo.home, repo.temporal.cliPath);
  const [port, uiPort] = [await findFreePort(), await findFreePort()];
  const server = await startTemporalDevServer({ home, port, uiPort, namespace: "default", cliPath: cli?.path, dbFile: join(home, "temporal.sqlite") });
  const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: home, MATERIA_STORAGE_URL: `file://${join(home, "lake")}`, TEMPORAL_ADDRESS: server.address, MATERIA_TASK_QUEUE: "bench", MATERIA_WORKER_MAX_ACTIVITIES: "8", MATERIA_DUCKDB_THREADS: "1" } });
  const log = createLogger({ level: "error", format: "json" });
  const { worker, close } = await createMateriaWorker({ config, log, definitions, env: createExecutionEnvironment(config, log) });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    const keys = months.keys().slice(0, partitionCount);
    const started = performance.now();
    const handle = await startBackfill(client, "bench", { selection: "key:bench/*", partitions: keys, maxConcurrentRuns: options.concurrentRuns ?? 4 });
    const summary = await handle.result();
    const seconds = (performance.now() - started) / 1000;
    if (summary.status !== "succeeded") throw new Error(`bench backfill failed: ${JSON.stringify(summary.failures)}`);
    const steps = assetCount * partitionCount;
    return { assets: assetCount, partitions: partitionCount, steps, seconds, msPerStep: (seconds * 1000) / steps, stepsPerSecond: steps / seconds };
  } finally {
    worker.shutdown();
    await running;
    await close();
    await connection.close();
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
