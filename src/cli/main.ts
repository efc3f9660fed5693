/** The `materia` command line. */
import { Command } from "commander";
import { registerAssets } from "./commands/assets";
import { registerBackfill } from "./commands/backfill";
import { registerCatalog } from "./commands/catalog";
import { registerCheck } from "./commands/check";
import { registerConfig } from "./commands/config";
import { registerDemo } from "./commands/demo";
import { registerDev } from "./commands/dev";
import { registerGenerate } from "./commands/generate";
import { registerInit } from "./commands/init";
import { registerJobs } from "./commands/jobs";
import { registerMaterialize } from "./commands/materialize";
import { registerSchedules } from "./commands/schedules";
import { registerSensors } from "./commands/sensors";
import { registerStatus } from "./commands/status";
import { registerUi } from "./commands/ui";
import { registerWorker } from "./commands/worker";
import { reportError } from "./runtime";
import { addCodeLocationOptions } from "./definitions";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("materia")
    .description("Asset-graph orchestration on Temporal, DuckDB and Parquet")
    .showHelpAfterError()
    // An option belongs to the command it follows, so a subcommand can reuse its parent's option names
    // (`backfill status <id> --json` is status's --json, not backfill's).
    .enablePositionalOptions()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerInit(program);
  registerDemo(program);
  registerDev(program);
  registerWorker(program);
  registerMaterialize(program);
  registerBackfill(program);
  registerStatus(program);
  registerAssets(program);
  registerJobs(program);
  registerSchedules(program);
  registerSensors(program);
  registerCatalog(program);
  registerCheck(program);
  registerUi(program);
  registerGenerate(program);
  registerConfig(program);
  addCodeLocationOptions(program);
  return program;
}

/** Run the command line (the `materia` bin calls this; so does running this file directly). */
export function runCli(argv: string[] = process.argv): void {
  buildProgram()
    .parseAsync(argv)
    .catch((error: unknown) => {
      process.exitCode = reportError(error);
    });
}

if (require.main === module) runCli();
