/** `materia assets list|graph`: what the registry declares. */
import type { Command } from "commander";
import { selectAssets } from "../../core";
import { cliDefinitions } from "../definitions";
import { printJson, renderTable } from "../table";

export function registerAssets(program: Command): void {
  const assets = program.command("assets").description("Inspect the asset graph");
  assets
    .command("list")
    .description("List assets with their group, partitions, code version and dependencies")
    .option("--select <selection>", "a selection expression", "*")
    .option("--json", "print JSON")
    .action((options: { select: string; json?: boolean }) => {
      const { graph } = cliDefinitions();
      const rows = selectAssets(graph, options.select).map((key) => {
        const node = graph.node(key);
        return { key, kind: node.kind, group: node.group, partitions: node.partitions?.id ?? null, codeVersion: node.codeVersion ?? null, deps: node.deps.map((d) => d.asset), checks: node.checks.map((c) => c.name) };
      });
      if (options.json) return printJson(rows);
      console.log(renderTable(["asset", "kind", "group", "partitions", "code", "deps", "checks"], rows.map((r) => [r.key, r.kind, r.group, r.partitions ?? "-", r.codeVersion ?? "-", r.deps.join(", "), r.checks.join(", ")])));
    });
  assets
    .command("graph")
    .description("Print the asset graph as a text tree, roots first")
    .option("--json", "print JSON")
    .action((options: { json?: boolean }) => {
      const { graph } = cliDefinitions();
      if (options.json) return printJson(graph.keys().map((key) => ({ key, parents: graph.parents(key), children: graph.children(key) })));
      const printed = new Set<string>();
      const walk = (key: string, prefix: string, last: boolean, depth: number): void => {
        const node = graph.node(key);
        const again = printed.has(key);
        console.log(`${prefix}${depth === 0 ? "" : last ? "└─ " : "├─ "}${key}${node.partitions ? ` [${node.partitions.id}]` : ""}${again ? " …" : ""}`);
        if (again) return;
        printed.add(key);
        const children = graph.children(key);
        children.forEach((child, i) => walk(child, depth === 0 ? "" : prefix + (last ? "   " : "│  "), i === children.length - 1, depth + 1));
      };
      for (const root of graph.roots()) walk(root, "", true, 0);
    });
}
