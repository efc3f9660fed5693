/**
 * Running a generator the definitions contribute: the framework, not the
 * pipeline, opens its DuckDB session and its scratch folder, and removes
 * both when the generator ends (whether it succeeded or not), so a
 * generator is only the data it writes.
 */
import { rmSync } from "node:fs";
import { DefinitionError, type AssetLogger, type GeneratorDefinition, type LandingWriter } from "../core";
import { DuckDbSession, type DuckDbSettings } from "../resources/duckdb";
import { newScratchDir } from "./scratch";

export interface GeneratorRun {
  store: LandingWriter;
  /** The partitions to generate, in order (already resolved from --from..--to). */
  partitions: string[];
  /** Names of the generator's declared flags that are set. */
  flags?: readonly string[];
  duckdb: DuckDbSettings;
  /** Where the run's scratch folder is made (a step scratch root: abandoned folders are swept the same way). */
  scratchRoot: string;
  log: AssetLogger;
  progress?: (done: number, total: number, label: string) => void;
}

export async function runGenerator(generator: GeneratorDefinition, run: GeneratorRun): Promise<{ files: number; rows?: number }> {
  const flags = flagsOf(generator, run.flags ?? []);
  const scratchDir = newScratchDir(run.scratchRoot, `generate-${generator.name}`);
  const sql = await DuckDbSession.open(run.duckdb);
  try {
    return await generator.generate({
      store: run.store,
      partitions: run.partitions,
      sql,
      scratchDir,
      flags,
      log: run.log,
      progress: run.progress ?? (() => undefined),
    });
  } finally {
    await sql.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** Only declared flags: a misspelt one would otherwise be silently false. */
function flagsOf(generator: GeneratorDefinition, names: readonly string[]): Record<string, boolean> {
  const flags: Record<string, boolean> = Object.fromEntries(Object.keys(generator.flags).map((name) => [name, false]));
  for (const name of names) {
    if (!(name in generator.flags)) {
      throw new DefinitionError(`Generator "${generator.name}" has no flag "${name}".`, { hint: `Its flags: ${Object.keys(generator.flags).join(", ") || "none"}.` });
    }
    flags[name] = true;
  }
  return flags;
}
