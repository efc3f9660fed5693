/** The suite's table: one row per scenario with its figures, then what broke. */
import { renderTable } from "../src/cli/table";
import type { ScenarioResult } from "./scenario";

export function renderResults(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [r.title, r.ok ? "ok" : "FAILED", r.seconds.toFixed(0), r.figures.map(([name, value]) => `${name} ${value}`).join("; ")]);
  const lines = [renderTable(["scenario", "result", "s", "figures"], rows)];
  for (const r of results.filter((r) => r.details.length > 0)) lines.push("", `${r.title}:`, ...r.details.map((d) => `  ${d}`));
  for (const failed of results.filter((r) => !r.ok)) {
    lines.push("", `${failed.title}: FAILED (state and logs kept in ${failed.dir})`);
    for (const problem of failed.problems) lines.push(`  - ${problem.split("\n").join("\n    ")}`);
  }
  return lines.join("\n");
}

/** The same table as Markdown, for the README. */
export function renderMarkdown(results: readonly ScenarioResult[]): string {
  const escape = (text: string) => text.replace(/\|/g, "\\|");
  return [
    "| scenario | result | s | figures |",
    "|---|---|---|---|",
    ...results.map((r) => `| ${escape(r.title)} | ${r.ok ? "ok" : "**FAILED**"} | ${r.seconds.toFixed(0)} | ${escape(r.figures.map(([name, value]) => `${name} ${value}`).join("; "))} |`),
  ].join("\n");
}
