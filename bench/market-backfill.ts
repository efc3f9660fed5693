/**
 * Market pipeline through Temporal: generate 12 vendor months, then one
 * backfill of the whole `group:market` selection over them, run by an
 * in-process worker against a throwaway dev server. Months run in order
 * (features and front-month bars read the previous month), so the
 * wall-clock per month is what a 185-month backfill would take per month.
 *
 * Target (issue 6): the full 185-month backfill projected ≤ 15 minutes.
 */
import { marketAssets, marketGenerator, MARKET_MONTHS } from "../src/assets/market";
import { marketChecks } from "../src/checks/market";
import { followBackfill, startBackfill } from "../src/cli/backfill-progress";
import { defineDefinitions } from "../src/core";
import { runGenerator } from "../src/testing";
import { machineBusySeconds, withBenchTemporal } from "./temporal-harness";

const FROM = "2024-11";
const TO = "2025-10";
const FULL_HISTORY_MONTHS = 185;

export async function benchMarketBackfill(): Promise<void> {
  const definitions = defineDefinitions({ assets: marketAssets, checks: marketChecks });
  // MATERIA_DUCKDB_THREADS passes through, to compare thread settings; unset, the worker divides the cores among its steps
  const threads = process.env.MATERIA_DUCKDB_THREADS;
  await withBenchTemporal(definitions, threads ? { MATERIA_DUCKDB_THREADS: threads } : {}, async ({ env, client, taskQueue }) => {
    const generateStarted = performance.now();
    const generated = await runGenerator(marketGenerator, { store: env.store, from: FROM, to: TO });
    const rows = generated.rows ?? 0;
    console.log(`market backfill: generated ${generated.files} vendor months (${rows} rows) in ${((performance.now() - generateStarted) / 1000).toFixed(1)} s`);

    const months = MARKET_MONTHS.keysInRange(FROM, TO).length;
    const started = performance.now();
    const workerCpuBefore = process.cpuUsage();
    const machineBusyBefore = machineBusySeconds();
    const handle = await startBackfill(client, taskQueue, { selection: "group:market", from: FROM, to: TO, maxConcurrentSteps: 2 });
    const summary = await followBackfill(handle);
    const seconds = (performance.now() - started) / 1000;
    if (summary.status !== "succeeded") throw new Error(`market backfill failed: ${JSON.stringify(summary.failures)}`);
    const perMonth = seconds / months;
    const workerCpu = process.cpuUsage(workerCpuBefore);
    const workerCpuPerMonth = (workerCpu.user + workerCpu.system) / 1e6 / months;
    const machineBusy = machineBusySeconds();
    // the server, the worker and everything else: how much of the two cores the backfill kept busy
    const machineCpuPerMonth = machineBusy !== undefined && machineBusyBefore !== undefined ? (machineBusy - machineBusyBefore) / months : undefined;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(
      `market backfill: ${months} months (every market step) through Temporal in ${seconds.toFixed(1)} s → ${perMonth.toFixed(2)} s/month, ${Math.round(rows / seconds)} vendor rows/s, ` +
        `DuckDB threads per step ${env.duckdbPool.threads ?? "one per core"}, worker ${workerCpuPerMonth.toFixed(2)} CPU-s/month` +
        (machineCpuPerMonth !== undefined ? `, machine ${machineCpuPerMonth.toFixed(2)} CPU-s/month (${(machineCpuPerMonth / perMonth).toFixed(2)} cores busy)` : "") +
        ` · peak RSS ${peakRssMiB.toFixed(0)} MiB (server excluded) · projected ${FULL_HISTORY_MONTHS} months ≈ ${((FULL_HISTORY_MONTHS * perMonth) / 60).toFixed(1)} min (target ≤ 15 min)`,
    );
  });
}
