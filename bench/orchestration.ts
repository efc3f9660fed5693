/**
 * Orchestration overhead: N no-op assets × M partitions through a real
 * Temporal dev server (started here on free ports, throwaway state) and an
 * in-process worker. Each step still opens DuckDB, writes a one-row Parquet
 * file and commits a manifest — the fixed cost of a step — so the numbers
 * are materia's per-step overhead, not a transform's.
 */
import { defineAsset, defineDefinitions, monthlyPartitions, type AssetDefinition } from "../src/core";
import { startBackfill } from "../src/cli/backfill-progress";
import { withBenchTemporal } from "./temporal-harness";

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
  return withBenchTemporal(definitions, { MATERIA_WORKER_MAX_ACTIVITIES: "8", MATERIA_DUCKDB_THREADS: "1" }, async ({ client, taskQueue }) => {
    const keys = months.keys().slice(0, partitionCount);
    const started = performance.now();
    const handle = await startBackfill(client, taskQueue, { selection: "key:bench/*", partitions: keys, maxConcurrentRuns: options.concurrentRuns ?? 4 });
    const summary = await handle.result();
    const seconds = (performance.now() - started) / 1000;
    if (summary.status !== "succeeded") throw new Error(`bench backfill failed: ${JSON.stringify(summary.failures)}`);
    const steps = assetCount * partitionCount;
    return { assets: assetCount, partitions: partitionCount, steps, seconds, msPerStep: (seconds * 1000) / steps, stepsPerSecond: steps / seconds };
  });
}
