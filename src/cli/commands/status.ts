/** `materia status`: asset × partition — missing / stale (why) / fresh — with the last check results. */
import type { Command } from "commander";
import { describeCause, materializableKeys, selectAssets, isTimePartitions, type Definitions, type PartitionKeyContext } from "../../core";
import { cliDefinitions } from "../definitions";
import { assetStatuses, createExecutionEnvironment, partitionContext, type ExecutionEnvironment } from "../../execution";
import { cliRuntime } from "../runtime";
import { printJson, renderTable } from "../table";

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("Show which asset partitions are missing, stale (and why) or fresh")
    .option("--select <selection>", "assets to show", "*")
    .option("--from <key>", "first partition")
    .option("--to <key>", "last partition")
    .option("--json", "print JSON")
    .action(async (options: StatusOptions) => {
      const { config, log } = cliRuntime();
      await printStatus(createExecutionEnvironment(config, log), options);
    });
}

export interface StatusOptions {
  select: string;
  from?: string;
  to?: string;
  json?: boolean;
}

export async function printStatus(env: ExecutionEnvironment, options: StatusOptions): Promise<void> {
      const definitions = cliDefinitions();
      const assets = materializableKeys(definitions.graph, selectAssets(definitions.graph, options.select));
      const context = await partitionContext(definitions, env.catalog);
      const partitions = partitionRange(definitions, assets, options.from, options.to, context);
      const rows = await assetStatuses(definitions, env, { assets, partitions, context });
      const checks = await Promise.all(rows.map((row) => env.catalog.readCheckResults(row.asset, row.partition)));
      const table = rows.map((row, i) => ({
        asset: row.asset,
        partition: row.partition,
        status: row.status.status,
        why: row.status.status === "stale" ? row.status.causes.map(describeCause).join("; ") : "",
        rows: row.manifest?.rowCount ?? null,
        publishedAt: row.manifest?.publishedAt ?? null,
        checks: (checks[i] ?? []).map((c) => `${c.check}:${c.passed ? "ok" : c.severity === "warn" ? "WARN" : "FAIL"}`).join(" "),
      }));
      if (options.json) return printJson(table);
      console.log(renderTable(["asset", "partition", "status", "rows", "checks", "why"], table.map((r) => [r.asset, r.partition ?? "-", r.status, r.rows, r.checks, r.why])));
}

/** The partitions to show: --from/--to, else the last 3 of the first time-partitioned asset. */
function partitionRange(definitions: Definitions, assets: string[], from: string | undefined, to: string | undefined, context: PartitionKeyContext): string[] {
  const definition = assets.map((key) => definitions.graph.node(key).partitions).find((p) => p !== undefined);
  if (!definition) return [];
  if (from !== undefined || to !== undefined) {
    const keys = definition.keys(context);
    return definition.keysInRange(from ?? keys[0] ?? "", to ?? keys[keys.length - 1] ?? "", context);
  }
  const keys = definition.keys(context);
  return isTimePartitions(definition) ? keys.slice(-3) : keys;
}
