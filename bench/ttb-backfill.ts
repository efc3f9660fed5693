/**
 * The 180-month TTB backfill through Temporal: generated registry extracts
 * for every month, then one backfill of the `ttb_monthly` job over asset
 * partitions — each month's raw, processed and fact steps once, the
 * consolidated table and every dimension once for the whole range — on a
 * throwaway dev server and an in-process worker. Prints the wall time, the
 * worker's CPU, steps per second, the manifest versions of the fan-in
 * assets (1 each: built once) and how many asset partitions are not fresh.
 */
import { generateTtbMonths } from "../src/assets/ttb";
import { followBackfill, startBackfill } from "../src/cli/backfill-progress";
import { assetStatuses, partitionContext } from "../src/execution";
import { loadDefinitions } from "../src/definitions";
import { withBenchTemporal } from "./temporal-harness";

const FAN_IN = ["ttb/consolidated_colas", "ttb/dim_company", "ttb/dim_brand", "ttb/dim_product_class", "ttb/dim_origin", "ttb/dim_date"];

function monthsEnding(last: string, count: number): string[] {
  const [year, month] = last.split("-").map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(year, month - count + i, 1)).toISOString().slice(0, 7));
}

export async function benchTtbBackfill(options: { months?: number } = {}): Promise<void> {
  const definitions = loadDefinitions();
  const months = monthsEnding("2025-12", options.months ?? 180);
  await withBenchTemporal(definitions, { MATERIA_WORKER_MAX_ACTIVITIES: "4" }, async ({ client, taskQueue, env }) => {
    const generateStarted = performance.now();
    const generated = await generateTtbMonths({ store: env.store, from: months[0]!, to: months.at(-1)! });
    const generateSeconds = (performance.now() - generateStarted) / 1000;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const handle = await startBackfill(client, taskQueue, { job: "ttb_monthly", from: months[0], to: months.at(-1) });
    const summary = await followBackfill(handle, { bar: process.stderr.isTTY === true });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    if (summary.status !== "succeeded") throw new Error(`the TTB backfill failed: ${JSON.stringify(summary.failures.slice(0, 3))}`);
    const versions = await Promise.all(FAN_IN.map(async (asset) => 1 + ((await env.catalog.readManifest(asset, null))?.history.length ?? -1)));
    const context = await partitionContext(definitions, env.catalog);
    const statuses = await assetStatuses(definitions, env, { assets: definitions.jobAssets("ttb_monthly"), partitions: months, context });
    const notFresh = statuses.filter((s) => s.status.status !== "fresh").length;
    console.log(
      `ttb-backfill: ${months.length} months (${generated.rows} registry lines, generated in ${generateSeconds.toFixed(1)} s) → ${summary.total} asset partitions through Temporal in ${seconds.toFixed(1)} s ` +
        `(${(summary.total / seconds).toFixed(2)} steps/s; worker CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s); fan-in versions ${versions.join("/")} (1 = built once); not fresh ${notFresh}`,
    );
  });
}
