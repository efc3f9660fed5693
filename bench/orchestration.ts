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
import { loadConfig } from "../src/config";
import { defineAsset, defineDefinitions, monthlyPartitions, type AssetDefinition } from "../src/core";
import { createExecutionEnvironment, materialize } from "../src/execution";
import { createLogger } from "../src/utils/logger";
import { startBackfill } from "../src/cli/backfill-progress";
import { withBenchTemporal } from "./temporal-harness";

export interface OrchestrationResult {
  assets: number;
  partitions: number;
  steps: number;
  seconds: number;
  msPerStep: number;
  stepsPerSecond: number;
  /** CPU of this process per step (the worker, or the in-process executor): its own threads, DuckDB's included. */
  cpuMsPerStep: number;
  /** Through Temporal: the dev server's CPU per step. */
  serverCpuMsPerStep?: number;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function noopDefinitions(assetCount: number) {
  const months = monthlyPartitions({ start: "2020-01", end: "2030-01" });
  const assets: AssetDefinition[] = [];
  for (let i = 0; i < assetCount; i++) {
    // A fan: every asset reads the first, so most steps of a month run side by side.
    assets.push(defineAsset({ key: `bench/noop_${i}`, partitions: months, deps: i === 0 ? [] : ["bench/noop_0"], async materialize() { return "SELECT 1 AS one"; } }));
  }
  return { months, definitions: defineDefinitions({ assets }) };
}

/** The same steps through the in-process executor (`concurrentSteps` at once; 1: one after another): the per-step cost without Temporal. */
export async function benchOrchestrationInProcess(
  options: { assets?: number; partitions?: number; concurrentSteps?: number; /** Make the home in here and leave it for the caller to remove. */ workDir?: string } = {},
): Promise<OrchestrationResult & { phasesMs: Record<string, number>; concurrentSteps: number }> {
  const assetCount = options.assets ?? 10;
  const partitionCount = options.partitions ?? 12;
  const { months, definitions } = noopDefinitions(assetCount);
  const home = mkdtempSync(join(options.workDir ?? tmpdir(), "materia-bench-"));
  try {
    const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: home, MATERIA_STORAGE_URL: `file://${join(home, "lake")}`, MATERIA_DUCKDB_THREADS: "1" } });
    const env = createExecutionEnvironment(config, createLogger({ level: "error", format: "json" }));
    const keys = months.keys().slice(0, partitionCount);
    // One warm-up step: DuckDB's first open loads its extensions.
    await materialize(definitions, { selection: "key:bench/noop_0", partitions: [keys[0]!], env });
    const concurrentSteps = options.concurrentSteps ?? 4;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await materialize(definitions, { selection: "key:bench/*", partitions: keys, env, maxConcurrentSteps: concurrentSteps });
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = cpuMsSince(cpu);
    if (result.status !== "succeeded") throw new Error("in-process bench run failed");
    const phasesMs: Record<string, number> = {};
    for (const step of result.steps) for (const [phase, ms] of Object.entries(step.phasesMs ?? {})) phasesMs[phase] = (phasesMs[phase] ?? 0) + ms / result.steps.length;
    const steps = result.steps.length;
    return { assets: assetCount, partitions: partitionCount, steps, seconds, msPerStep: (seconds * 1000) / steps, stepsPerSecond: steps / seconds, cpuMsPerStep: cpuMs / steps, phasesMs, concurrentSteps };
  } finally {
    if (options.workDir === undefined) rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The same backfill `rounds` times on one dev server and worker, each round
 * over the next `partitions` months (new asset partitions, so every step
 * runs): this machine is shared and noisy, so the figure to quote is the
 * median round, with the spread beside it.
 */
export async function benchOrchestration(options: { assets?: number; partitions?: number; concurrentSteps?: number; rounds?: number } = {}): Promise<OrchestrationResult[]> {
  const assetCount = options.assets ?? 10;
  const partitionCount = options.partitions ?? 12;
  const rounds = options.rounds ?? 3;
  const { months, definitions } = noopDefinitions(assetCount);
  return withBenchTemporal(definitions, { MATERIA_WORKER_MAX_ACTIVITIES: "16", MATERIA_DUCKDB_THREADS: "1" }, async ({ client, taskQueue, serverCpuSeconds }) => {
    const results: OrchestrationResult[] = [];
    for (let round = 0; round < rounds; round++) {
      const keys = months.keys().slice(round * partitionCount, (round + 1) * partitionCount);
      const cpu = process.cpuUsage();
      const serverCpu = serverCpuSeconds();
      const started = performance.now();
      const handle = await startBackfill(client, taskQueue, { selection: "key:bench/*", partitions: keys, maxConcurrentSteps: options.concurrentSteps ?? 16 });
      const summary = await handle.result();
      const seconds = (performance.now() - started) / 1000;
      const cpuMs = cpuMsSince(cpu);
      const serverCpuAfter = serverCpuSeconds();
      if (summary.status !== "succeeded") throw new Error(`bench backfill failed: ${JSON.stringify(summary.failures)}`);
      const steps = assetCount * keys.length;
      const serverMs = serverCpu !== undefined && serverCpuAfter !== undefined ? ((serverCpuAfter - serverCpu) * 1000) / steps : undefined;
      results.push({ assets: assetCount, partitions: keys.length, steps, seconds, msPerStep: (seconds * 1000) / steps, stepsPerSecond: steps / seconds, cpuMsPerStep: cpuMs / steps, ...(serverMs !== undefined ? { serverCpuMsPerStep: serverMs } : {}) });
    }
    return results;
  });
}

/** The round with the median ms/step (rounds sorted by it), and the range of ms/step. */
export function medianRound<T extends { msPerStep: number }>(results: readonly T[]): { median: T; fastest: number; slowest: number } {
  const sorted = [...results].sort((a, b) => a.msPerStep - b.msPerStep);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)]!, fastest: sorted[0]!.msPerStep, slowest: sorted.at(-1)!.msPerStep };
}
