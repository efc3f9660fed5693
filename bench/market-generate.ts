/**
 * Generates the market benchmark's vendor months in a process of its own
 * (`node market-generate.js <lake folder> <from> <to>`, printing the rows
 * written as JSON): the generator's memory is then not counted in the peak
 * RSS the benchmark reports for the chain.
 */
import { marketGenerator } from "../src/assets/market";
import { createObjectStore } from "../src/resources/object-store";
import { runGenerator } from "../src/testing";

async function main(): Promise<void> {
  const [lake, from, to] = process.argv.slice(2);
  if (!lake || !from || !to) throw new Error("usage: market-generate <lake folder> <from month> <to month>");
  const { rows } = await runGenerator(marketGenerator, { store: createObjectStore(`file://${lake}`), from, to });
  process.stdout.write(JSON.stringify({ rows: rows ?? 0 }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
