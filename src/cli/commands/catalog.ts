/** `materia rollback`, `materia gc` and `materia catalog reindex`: operate on the catalog. */
import type { Command } from "commander";
import { materializableKeys } from "../../core";
import { cliDefinitions } from "../definitions";
import { createExecutionEnvironment } from "../../execution";
import { RuntimeError } from "../../utils/errors";
import { cliRuntime } from "../runtime";
import { assetFromArgs } from "../usage";
import { printJson } from "../table";

export function registerCatalog(program: Command): void {
  program
    .command("rollback <asset> [partition]")
    .description("Point an asset partition back at an earlier version (default: the previous one)")
    .option("--to <version>", "a data version (sha256 prefix) from the partition's history")
    .option("--json", "print JSON")
    .action(async (asset: string, partition: string | undefined, options: { to?: string; json?: boolean }) => {
      const { config, log } = cliRuntime();
      const node = assetFromArgs(cliDefinitions(), asset);
      if (node.partitions && partition === undefined) throw new RuntimeError("USAGE", `"${asset}" is partitioned (${node.partitions.keyFormat}); give the partition.`);
      if (!node.partitions && partition !== undefined) throw new RuntimeError("USAGE", `"${asset}" is not partitioned; omit the partition.`);
      if (partition !== undefined) node.partitions?.validateKey(partition);
      const env = createExecutionEnvironment(config, log);
      const manifest = await env.catalog.rollback(asset, partition ?? null, options.to);
      if (options.json) return printJson(manifest);
      console.log(`${asset}${partition ? `[${partition}]` : ""} now at version ${manifest.dataVersion.slice(0, 12)} (${manifest.rowCount} rows, published by ${manifest.runId}); downstream assets are stale until re-materialized`);
    });
  program
    .command("gc")
    .description("Delete data objects no manifest references (orphans of failed attempts, versions past history)")
    .option("--dry-run", "list what would be deleted")
    .option("--min-age <minutes>", "keep objects younger than this (a running step may be about to commit them)", "60")
    .option("--json", "print JSON")
    .action(async (options: { dryRun?: boolean; minAge: string; json?: boolean }) => {
      const { config, log } = cliRuntime();
      const minutes = Number(options.minAge);
      if (!(minutes >= 0)) throw new RuntimeError("USAGE", `--min-age must be a number of minutes (got "${options.minAge}").`);
      const env = createExecutionEnvironment(config, log);
      const result = await env.catalog.gc({ dryRun: options.dryRun === true, minAgeMs: minutes * 60_000 });
      if (options.json) return printJson(result);
      for (const key of result.deleted) console.log(`${options.dryRun ? "would delete" : "deleted"} ${key}`);
      console.log(`${result.deleted.length} orphaned object(s) ${options.dryRun ? "found" : "deleted"}; ${result.kept} referenced object(s) kept`);
    });
  program
    .command("catalog")
    .description("Maintain the catalog")
    .command("reindex [assets...]")
    .description("Rebuild the partition index of assets (default: every asset) from their manifests and check results")
    .option("--json", "print JSON")
    .action(async (assets: string[], options: { json?: boolean }) => {
      const { config, log } = cliRuntime();
      const definitions = cliDefinitions();
      const keys = assets.length > 0 ? assets.map((key) => assetFromArgs(definitions, key).key) : materializableKeys(definitions.graph, definitions.graph.keys());
      const env = createExecutionEnvironment(config, log);
      const results: Array<{ asset: string; partitions: number }> = [];
      for (const asset of keys) results.push({ asset, ...(await env.catalog.reindex(asset)) });
      if (options.json) return printJson(results);
      for (const r of results) console.log(`${r.asset}: ${r.partitions} partition(s) indexed`);
    });
}
