/**
 * TTB warehouse benchmark: seconds per asset for one month, and for a long
 * history (default 180 months, ~2 million COLAs) where consolidated and the
 * dimensions are rebuilt over every month. In-process on a local temp
 * store, so it measures DuckDB and Parquet I/O, not Temporal.
 *
 * Targets (issue 7): ≤ 2 s per month through facts, ≤ 30 s for the full
 * dimensions rebuild.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTtbMonths, ttbAssets } from "../src/assets/ttb";
import { ttbChecks } from "../src/checks/ttb";
import { loadConfig } from "../src/config";
import { defineDefinitions } from "../src/core";
import { createExecutionEnvironment, materialize, type ExecutionEnvironment, type RunResult } from "../src/execution";
import { createObjectStore } from "../src/resources/object-store";
import { createLogger } from "../src/utils/logger";

const definitions = defineDefinitions({ assets: ttbAssets, checks: ttbChecks });
const MONTHLY_STEPS = "key:ttb/raw_colas or key:ttb/processed_colas";
const REBUILD_STEPS = "key:ttb/consolidated_colas or key:ttb/dim_company or key:ttb/dim_brand or key:ttb/dim_product_class or key:ttb/dim_origin or key:ttb/dim_date";
const FACT_STEPS = "key:ttb/fact_label_approvals or key:ttb/fact_monthly_summary";

function environment(home: string): ExecutionEnvironment {
  const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: home } });
  return createExecutionEnvironment(config, createLogger({ level: "fatal", format: "json" }), { store: createObjectStore(`file://${join(home, "lake")}`) });
}

function monthsBack(last: string, count: number): string[] {
  const [year, month] = last.split("-").map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const date = new Date(Date.UTC(year, month - count + i, 1));
    return date.toISOString().slice(0, 7);
  });
}

/** Seconds per step name (summed over partitions), failing loudly when a step did not publish. */
function secondsPerStep(run: RunResult): Map<string, number> {
  const failed = run.steps.filter((step) => step.status !== "published");
  if (failed.length > 0) throw new Error(`benchmark run failed: ${failed.map((s) => `${s.step}[${s.partition ?? "-"}] ${s.status}`).join(", ")}`);
  const seconds = new Map<string, number>();
  for (const step of run.steps) seconds.set(step.step, (seconds.get(step.step) ?? 0) + step.durationMs / 1000);
  return seconds;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

function printTable(title: string, rows: Array<[string, number]>): void {
  console.log(`\n${title}`);
  for (const [name, seconds] of rows) console.log(`  ${name.padEnd(34)} ${seconds.toFixed(2).padStart(8)} s`);
}

async function benchOneMonth(home: string): Promise<void> {
  const env = environment(home);
  const [, generateSeconds] = await timed(() => generateTtbMonths({ store: env.store, from: "2024-01", to: "2024-01" }));
  const [run, total] = await timed(() => materialize(definitions, { selection: "group:ttb", partitions: ["2024-01"], env }));
  printTable("TTB · one month (2024-01, ~12,000 COLAs)", [["generate day files", generateSeconds], ...secondsPerStep(run), ["total through facts", total]]);
}

async function benchHistory(home: string, monthCount: number): Promise<void> {
  const env = environment(home);
  const months = monthsBack("2025-12", monthCount);
  const [generated, generateSeconds] = await timed(() => generateTtbMonths({ store: env.store, from: months[0]!, to: months[months.length - 1]! }));
  const [monthly, monthlySeconds] = await timed(() => materialize(definitions, { selection: MONTHLY_STEPS, partitions: months, env }));
  const [rebuild, rebuildSeconds] = await timed(() => materialize(definitions, { selection: REBUILD_STEPS, partitions: [], env }));
  const lastMonth = months.slice(-1);
  const [facts, factSeconds] = await timed(() => materialize(definitions, { selection: FACT_STEPS, partitions: lastMonth, env }));
  const consolidated = await env.catalog.readManifest("ttb/consolidated_colas", null);
  const monthlySteps = secondsPerStep(monthly);
  printTable(`TTB · ${monthCount}-month history (${generated.rows} lines, ${consolidated?.rowCount ?? 0} consolidated COLAs)`, [
    ["generate day files", generateSeconds],
    ...[...monthlySteps].map(([step, seconds]): [string, number] => [`${step} (mean per month)`, seconds / monthCount]),
    ["raw + process, all months", monthlySeconds],
    ...secondsPerStep(rebuild),
    ["consolidated + dimensions rebuild", rebuildSeconds],
    ...[...secondsPerStep(facts)].map(([step, seconds]): [string, number] => [`${step} (${lastMonth[0]!})`, seconds]),
    ["facts of the last month", factSeconds],
  ]);
}

export async function benchTtb(options: { historyMonths?: number } = {}): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "materia-bench-ttb-"));
  try {
    await benchOneMonth(join(home, "one-month"));
    await benchHistory(join(home, "history"), options.historyMonths ?? 180);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
