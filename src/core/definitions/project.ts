/**
 * `materia.config.ts`: where a project's code lives. One code location is
 * the common case and needs one line:
 *
 *   export default defineConfig({ definitions: "./src/definitions.ts" });
 *
 * A workspace lists several, each served by its own workers on its own
 * task queue: `{ locations: [{ name, definitions, taskQueue }] }`.
 */
import { DefinitionError } from "../errors";

export interface CodeLocationConfig {
  /** Names the location in the CLI and the Temporal search attribute `MateriaLocation`. */
  name: string;
  /** The module exporting the definitions (default export, or `definitions`), relative to the config file. */
  definitions: string;
  /** Task queue of this location's workers. Default: MATERIA_TASK_QUEUE for a single location, else `materia-<name>`. */
  taskQueue?: string;
}

export type ProjectConfig = { definitions: string; name?: string; taskQueue?: string } | { locations: CodeLocationConfig[] };

const LOCATION_NAME = /^[a-z][a-z0-9_-]*$/;

/** Validate and return the project configuration (the default export of `materia.config.ts`). */
export function defineConfig(config: ProjectConfig): ProjectConfig {
  const locations = "locations" in config ? config.locations : [{ name: config.name ?? "default", definitions: config.definitions, ...(config.taskQueue ? { taskQueue: config.taskQueue } : {}) }];
  if (!Array.isArray(locations) || locations.length === 0) {
    throw new DefinitionError("materia.config has no code location.", { hint: 'export default defineConfig({ definitions: "./src/definitions.ts" })' });
  }
  const names = new Set<string>();
  const queues = new Set<string>();
  for (const location of locations) {
    if (typeof location?.definitions !== "string" || location.definitions.length === 0) {
      throw new DefinitionError(`Code location "${String(location?.name)}" names no definitions module.`, { hint: 'Set definitions: "./src/definitions.ts" (relative to materia.config.ts).' });
    }
    if (typeof location.name !== "string" || !LOCATION_NAME.test(location.name)) {
      throw new DefinitionError(`Code location name ${JSON.stringify(location.name)} is not valid.`, { hint: "Use lowercase letters, digits, - and _, starting with a letter." });
    }
    if (names.has(location.name)) throw new DefinitionError(`Two code locations are named "${location.name}".`, { hint: "Give each location its own name." });
    names.add(location.name);
    if (location.taskQueue !== undefined) {
      if (queues.has(location.taskQueue)) throw new DefinitionError(`Two code locations use the task queue "${location.taskQueue}".`, { hint: "Each location's workers need their own task queue, or one would run the other's steps without its code." });
      queues.add(location.taskQueue);
    }
  }
  return config;
}
