/**
 * The code the CLI serves: the definitions of the project's code location,
 * found through `--definitions <file>` or the nearest `materia.config.ts`
 * (`--location <name>` picks one of a workspace's). Nothing here knows any
 * particular pipeline: the repo's own ship through its materia.config.ts too.
 */
import type { Command } from "commander";
import { resolveProjectLocations, type CodeLocation, type MateriaConfig } from "../config";
import type { Definitions } from "../core";
import { buildResources, createExecutionEnvironment, loadDefinitionsFrom, type ExecutionEnvironment } from "../execution";
import { RuntimeError } from "../utils/errors";
import type { Logger } from "../utils/logger";

interface Selection {
  definitions?: string;
  location?: string;
}

let selection: Selection = {};
let resolved: CodeLocation | undefined;

/** Give every command `--definitions` and `--location`, read before its action runs. */
export function addCodeLocationOptions(program: Command): void {
  const visit = (command: Command) => {
    if (command.commands.length === 0) {
      command.option("--definitions <file>", "the definitions module to load (default: from materia.config.ts)");
      command.option("--location <name>", "the code location of a workspace's materia.config.ts");
    }
    command.commands.forEach(visit);
  };
  program.commands.forEach(visit);
  program.hook("preAction", (_root, action) => {
    const options = action.opts<Selection>();
    selectCodeLocation({ ...(options.definitions ? { definitions: options.definitions } : {}), ...(options.location ? { location: options.location } : {}) });
  });
}

export function selectCodeLocation(next: Selection): void {
  selection = next;
  resolved = undefined;
}

/** The selected code location (resolving the project config on first use). */
export function cliCodeLocation(): CodeLocation {
  if (resolved) return resolved;
  const project = resolveProjectLocations(selection.definitions !== undefined ? { definitions: selection.definitions } : {});
  const { locations } = project;
  if (selection.location !== undefined) {
    const found = locations.find((l) => l.name === selection.location);
    if (!found) throw new RuntimeError("USAGE", `No code location "${selection.location}".`, { hint: `Known locations: ${locations.map((l) => l.name).join(", ")}.` });
    resolved = found;
  } else if (locations.length > 1) {
    throw new RuntimeError("USAGE", `This workspace has ${locations.length} code locations; say which one with --location.`, { hint: `--location ${locations.map((l) => l.name).join(" | ")}` });
  } else resolved = locations[0]!;
  return resolved;
}

/** The selected location's definitions. */
export function cliDefinitions(): Definitions {
  return loadDefinitionsFrom(cliCodeLocation().definitionsPath);
}

/** The selected location's name and the task queue it declares, if a project is here (commands that need one say so themselves). */
export function declaredLocation(): { name: string; taskQueue: string | undefined } | undefined {
  try {
    const location = cliCodeLocation();
    return { name: location.name, taskQueue: location.taskQueue };
  } catch {
    return undefined;
  }
}

/** Every code location of the project (a workspace's, or the one). */
export function cliCodeLocations(): CodeLocation[] {
  return resolveProjectLocations(selection.definitions !== undefined ? { definitions: selection.definitions } : {}).locations;
}

/** What a command that runs steps needs: the definitions, an environment with their resources built, and a teardown. */
export async function cliEnvironment(config: MateriaConfig, log: Logger): Promise<{ definitions: Definitions; env: ExecutionEnvironment; teardown: () => Promise<void> }> {
  const definitions = cliDefinitions();
  const resources = await buildResources(definitions);
  return { definitions, env: createExecutionEnvironment(config, log, { resources: resources.values }), teardown: () => resources.teardown() };
}
