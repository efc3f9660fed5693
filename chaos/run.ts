/**
 * `npm run chaos [-- <scenario> ...] [--small] [--markdown]`: the fault
 * suite. Runs the named scenarios (default: all) one after another against
 * real processes on loopback ports with throwaway state, prints one row per
 * scenario with its figures, and exits 1 if any scenario broke.
 */
import { rmSync } from "node:fs";
import { labRoot } from "./support/lab";
import { runScenario, type ScenarioResult } from "./scenario";
import { renderMarkdown, renderResults } from "./report";
import { SCENARIOS } from "./scenarios";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const names = args.filter((arg) => !arg.startsWith("--"));
  const unknown = names.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown scenario ${unknown.join(", ")}; the scenarios are: ${SCENARIOS.map((s) => s.name).join(", ")}.`);
    return 2;
  }
  const selected = names.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));
  const options = { root: labRoot(), small: args.includes("--small") };
  const began = Date.now();
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of selected) {
      console.error(`chaos: ${scenario.title} …`);
      const result = await runScenario(scenario, options);
      console.error(`chaos: ${scenario.title}: ${result.ok ? "ok" : "FAILED"} in ${result.seconds.toFixed(0)} s`);
      results.push(result);
    }
  } finally {
    // Keep what a failed scenario left for reading; the rest (the market cache) goes.
    if (results.every((r) => r.ok)) rmSync(options.root, { recursive: true, force: true });
  }
  console.log(renderResults(results));
  if (args.includes("--markdown")) console.log(`\n${renderMarkdown(results)}`);
  console.log(`\n${results.filter((r) => r.ok).length}/${results.length} scenarios ok in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
