/**
 * `materia generate <name> --from <key> --to <key> [--<flag>]`: run a
 * sample-data generator the project's definitions contribute
 * (`defineGenerator`), writing into the configured store's landing area.
 * `materia generate` alone lists them.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { Presets, SingleBar } from "cli-progress";
import { didYouMean, type GeneratorDefinition } from "../../core";
import { partitionContext, runGenerator as runGeneratorIn, storeFromConfig } from "../../execution";
import { Catalog } from "../../resources/catalog";
import { stepLogger } from "../../utils/logger";
import { RuntimeError } from "../../utils/errors";
import { cliDefinitions } from "../definitions";
import { cliRuntime } from "../runtime";
import { renderTable } from "../table";

interface GenerateOptions {
  from?: string;
  to?: string;
}

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("Write a pipeline's deterministic sample data to the landing area (generators come from the definitions)")
    .argument("[name]", "the generator (list them with `materia generate`)")
    .option("--from <key>", "first partition")
    .option("--to <key>", "last partition (inclusive)")
    .allowUnknownOption()
    .allowExcessArguments(true)
    .action(async (name: string | undefined, options: GenerateOptions, command: Command) => {
      const definitions = cliDefinitions();
      const generators = [...definitions.generators.values()];
      if (name === undefined) {
        console.log(generators.length === 0 ? "No generators in these definitions." : renderTable(["generator", "partitions", "flags", "description"], generators.map((g) => [g.name, g.partitions.id, Object.keys(g.flags).map((f) => `--${f}`).join(" "), g.description ?? ""])));
        return;
      }
      const generator = definitions.generators.get(name);
      if (!generator) throw new RuntimeError("USAGE", `No generator "${name}".`, { hint: didYouMean(name, definitions.generators.keys()) ?? `Known: ${generators.map((g) => g.name).join(", ") || "none"}.` });
      if (options.from === undefined || options.to === undefined) throw new RuntimeError("USAGE", `generate ${name} needs --from and --to.`, { hint: `e.g. materia generate ${name} --from <first key> --to <last key>` });
      await runGenerator(generator, options.from, options.to, flagsOf(generator, command.args.slice(1)));
    });
}

/** `--clean` and friends: the generator's declared boolean flags; anything else is a usage error. */
function flagsOf(generator: GeneratorDefinition, args: string[]): Record<string, boolean> {
  const flags: Record<string, boolean> = {};
  for (const arg of args) {
    const flag = arg.replace(/^--/, "");
    if (!arg.startsWith("--") || !(flag in generator.flags)) {
      throw new RuntimeError("USAGE", `generate ${generator.name} has no option ${arg}.`, { hint: `Its flags: ${Object.keys(generator.flags).map((f) => `--${f} (${generator.flags[f]})`).join(", ") || "none"}.` });
    }
    flags[flag] = true;
  }
  return flags;
}

export async function runGenerator(generator: GeneratorDefinition, from: string, to: string, flags: Record<string, boolean>): Promise<void> {
  const { config, log } = cliRuntime();
  const store = storeFromConfig(config);
  const context = await partitionContext(cliDefinitions(), new Catalog(store));
  const partitions = generator.partitions.keysInRange(from, to, context);
  const bar = new SingleBar({ format: `${generator.name} |{bar}| {value}/{total} · {label}`, hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2000 }, Presets.shades_classic);
  let started = false;
  const began = Date.now();
  try {
    // The same run `materia/testing` makes: the framework opens the generator's DuckDB session and scratch folder.
    const result = await runGeneratorIn(generator, {
      store,
      partitions,
      flags: Object.keys(flags).filter((name) => flags[name]),
      duckdb: { memoryLimit: config.duckdb.memoryLimit, threads: config.duckdb.threads, tempDir: config.duckdb.tempDir },
      scratchRoot: join(config.home, "tmp", "steps"),
      log: stepLogger(log, { runId: `generate-${generator.name}`, asset: generator.name }),
      progress: (done, total, label) => {
        if (!started) {
          bar.start(total, 0, { label });
          started = true;
        }
        bar.update(done, { label });
      },
    });
    if (started) bar.stop();
    started = false;
    console.log(`Wrote ${result.files} files${result.rows !== undefined ? ` (${result.rows} rows)` : ""} for ${partitions.length} partitions to ${store.description} in ${((Date.now() - began) / 1000).toFixed(1)} s.`);
  } finally {
    if (started) bar.stop();
    await store.close?.();
  }
}
