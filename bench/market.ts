/**
 * Market pipeline benchmark: one generated month (~600k vendor rows) through
 * raw_bars → front_month_bars → features → labels → training_set, in-process
 * on a local temp store (DuckDB and Parquet I/O, not Temporal). The previous
 * month is materialized first, untimed, so windows and the front contract
 * have their real warm-up data.
 *
 * Each step runs as its own in-process run, so its CPU seconds (the whole
 * process: DuckDB's threads, the kernels, GC) are its own.
 *
 * Targets (issue 16): the chain ≤ 5.6 s wall and ≤ 8.9 CPU-s, peak RSS ≤ 1 GiB (then toward 3 s).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { marketAssets } from "../src/assets/market";
import { marketChecks } from "../src/checks/market";
import { loadConfig } from "../src/config";
import { defineDefinitions } from "../src/core";
import { createExecutionEnvironment, materialize, type RunResult, type StepRunResult } from "../src/execution";
import { createObjectStore } from "../src/resources/object-store";
import { createLogger } from "../src/utils/logger";
import { marketIoFloor } from "./market-io-floor";

const WARM_UP_MONTH = "2025-09";
const BENCH_MONTH = "2025-10";

function requirePublished(run: RunResult): void {
  const failed = run.steps.filter((step) => step.status !== "published");
  if (failed.length > 0) throw new Error(`benchmark run failed: ${failed.map((s) => `${s.step}[${s.partition ?? "-"}] ${s.status} ${s.error?.message ?? ""}`).join(", ")}`);
}

/**
 * The vendor file of one month, written by a child process: the generator's
 * memory stays out of the peak RSS printed for the chain (the warm-up month
 * runs in this process, as a worker's previous month would).
 */
function generateMonth(lake: string, month: string): number {
  const output = execFileSync(process.execPath, [join(__dirname, "market-generate.js"), lake, month, month], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return (JSON.parse(output) as { rows: number }).rows;
}

export async function benchMarket(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "materia-bench-market-"));
  try {
    const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: home } });
    const store = createObjectStore(`file://${join(home, "lake")}`);
    const env = createExecutionEnvironment(config, createLogger({ level: "error", format: "json" }), { store });
    const definitions = defineDefinitions({ assets: marketAssets, checks: marketChecks });

    const generateStarted = performance.now();
    // Month by month: the benchmarked month's own row count is what rows/s is measured against.
    generateMonth(join(home, "lake"), WARM_UP_MONTH);
    const rows = generateMonth(join(home, "lake"), BENCH_MONTH);
    const generateSeconds = (performance.now() - generateStarted) / 1000;
    console.log(`market: generated 2 vendor months in ${generateSeconds.toFixed(2)} s (${BENCH_MONTH}: ${rows} rows)`);

    requirePublished(await materialize(definitions, { selection: "group:market", partitions: [WARM_UP_MONTH], env }));

    // the chain's steps in order, one run each: per-step CPU seconds are then the step's alone
    const stepAssets = ["market/raw_bars", "market/front_month_bars", "market/features", "market/labels", "market/training_set"];
    const steps: Array<{ result: StepRunResult; cpuSeconds: number }> = [];
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    for (const asset of stepAssets) {
      const stepCpuBefore = process.cpuUsage();
      const run = await materialize(definitions, { selection: `key:${asset}`, partitions: [BENCH_MONTH], env });
      const cpu = process.cpuUsage(stepCpuBefore);
      requirePublished(run);
      for (const result of run.steps) steps.push({ result, cpuSeconds: (cpu.user + cpu.system) / 1e6 / run.steps.length });
    }
    const chainSeconds = (performance.now() - started) / 1000;
    // CPU seconds of the whole process (DuckDB threads included): steadier than wall time on a shared machine.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;

    console.log(`\nmarket: one month (${BENCH_MONTH}), per step: wall s, CPU s (transform + Parquet + checks + publish)`);
    for (const { result: step, cpuSeconds: stepCpu } of steps) {
      const outputRows = step.outputs.map((o) => `${o.asset.replace("market/", "")} ${o.rowCount}`).join(", ");
      const phases = step.phasesMs ? Object.entries(step.phasesMs).map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(2)}`).join(" · ") : "";
      console.log(`  ${step.step.padEnd(30)} ${(step.durationMs / 1000).toFixed(2).padStart(7)} s ${stepCpu.toFixed(2).padStart(6)} CPU s   ${outputRows}   (${phases})`);
    }
    // the process's peak: the warm-up month and the chain (the vendor files were generated in child processes)
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(
      `  ${"whole chain".padEnd(30)} ${chainSeconds.toFixed(2).padStart(7)} s ${cpuSeconds.toFixed(2).padStart(6)} CPU s   ${Math.round(rows / chainSeconds)} vendor rows/s · peak RSS ${peakRssMiB.toFixed(0)} MiB` +
        ` (targets: ≤ 5.6 s, ≤ 8.9 CPU s, ≤ 1024 MiB) · projected 185 months ≈ ${((185 * chainSeconds) / 60).toFixed(1)} min on one worker, ` +
        `${((185 * cpuSeconds) / availableParallelism() / 60).toFixed(1)} min CPU-bound on ${availableParallelism()} cores (target ≤ 15 min)`,
    );

    const floor = await marketIoFloor(definitions, env, BENCH_MONTH);
    const floorCpu = floor.reduce((sum, row) => sum + row.cpuSeconds, 0);
    console.log(`\nmarket: I/O floor of the chain (no transform: the same month's data read and written once, least of 3)`);
    for (const row of floor) console.log(`  ${row.what.padEnd(36)} ${row.cpuSeconds.toFixed(2).padStart(6)} CPU s${row.megabytes !== undefined ? `   ${row.megabytes.toFixed(1)} MB` : ""}`);
    console.log(
      `  ${"I/O floor".padEnd(36)} ${floorCpu.toFixed(2).padStart(6)} CPU s = ${((100 * floorCpu) / cpuSeconds).toFixed(0)}% of the chain's ${cpuSeconds.toFixed(2)} CPU s;` +
        ` the transforms get the rest. On ${availableParallelism()} cores the floor alone takes ≥ ${(floorCpu / availableParallelism()).toFixed(2)} s.`,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
