/** `materia check --select … --partition …`: re-run checks on published partitions without re-materializing. */
import { randomUUID } from "node:crypto";
import type { Command } from "commander";
import { materializableKeys, selectAssets } from "../../core";
import { cliDefinitions } from "../definitions";
import { checkPublished, createExecutionEnvironment } from "../../execution";
import { RuntimeError } from "../../utils/errors";
import { cliRuntime, EXIT } from "../runtime";
import { printJson, renderTable } from "../table";

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("Re-run asset checks on published partitions (no re-materialization)")
    .requiredOption("--select <selection>", "assets whose checks to run")
    .option("--partition <key>", "a partition key (repeatable)", (value: string, all: string[]) => [...all, value], [] as string[])
    .option("--json", "print JSON")
    .action(async (options: { select: string; partition: string[]; json?: boolean }) => {
      const { config, log } = cliRuntime();
      const definitions = cliDefinitions();
      const env = createExecutionEnvironment(config, log);
      const assets = materializableKeys(definitions.graph, selectAssets(definitions.graph, options.select)).filter((key) => definitions.graph.node(key).checks.length > 0);
      if (assets.length === 0) throw new RuntimeError("USAGE", `No selected asset has checks ("${options.select}").`);
      const runId = `check-${randomUUID()}`;
      const rows = [];
      for (const asset of assets) {
        const partitioned = definitions.graph.node(asset).partitions;
        if (partitioned && options.partition.length === 0) throw new RuntimeError("USAGE", `"${asset}" is partitioned; give --partition (${partitioned.keyFormat}).`);
        for (const partition of partitioned ? options.partition : [null]) {
          if (partition !== null) partitioned?.validateKey(partition);
          rows.push(...(await checkPublished(definitions, env, { asset, partition, runId })));
        }
      }
      if (options.json) printJson(rows);
      else console.log(renderTable(["asset", "partition", "check", "result", "measured", "threshold", "message"], rows.map((r) => [r.asset, r.partition ?? "-", r.check, r.passed ? "ok" : r.severity === "warn" ? "WARN" : "FAIL", r.measured === null ? "" : String(r.measured), r.threshold === null ? "" : String(r.threshold), r.message ?? ""])));
      process.exitCode = rows.some((r) => !r.passed && r.severity === "error") ? EXIT.failure : EXIT.ok;
    });
}
