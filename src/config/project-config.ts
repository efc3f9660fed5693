/**
 * Finding a project's code: `--definitions <file>` when given, else the
 * nearest `materia.config.ts` (or .mts/.js/.mjs/.cjs) from the working
 * directory up, whose default export names one definitions module or a
 * workspace of code locations. Paths in the config are relative to it.
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { z } from "zod";
import { importUserModule, UserModuleError } from "../utils/user-module";

export const PROJECT_CONFIG_FILES = ["materia.config.ts", "materia.config.mts", "materia.config.js", "materia.config.mjs", "materia.config.cjs"] as const;

export interface CodeLocation {
  name: string;
  /** Absolute path of the definitions module. */
  definitionsPath: string;
  /** The location's own task queue, when it declares one (else the configured MATERIA_TASK_QUEUE). */
  taskQueue: string | undefined;
}

export interface ProjectLocations {
  /** The config file the locations came from; undefined for `--definitions`. */
  configFile: string | undefined;
  locations: CodeLocation[];
}

const location = z.object({ name: z.string().min(1), definitions: z.string().min(1), taskQueue: z.string().min(1).optional() });
const projectConfig = z.union([
  z.object({ definitions: z.string().min(1), name: z.string().min(1).optional(), taskQueue: z.string().min(1).optional() }),
  z.object({ locations: z.array(location).min(1) }),
]);

/** The nearest project config file from `dir` upwards. */
export function findProjectConfig(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    for (const name of PROJECT_CONFIG_FILES) {
      const candidate = join(current, name);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(current) === current) return undefined;
  }
}

export function resolveProjectLocations(options: { cwd?: string; definitions?: string } = {}): ProjectLocations {
  const cwd = options.cwd ?? process.cwd();
  if (options.definitions !== undefined) {
    return { configFile: undefined, locations: [{ name: "default", definitionsPath: resolve(cwd, options.definitions), taskQueue: undefined }] };
  }
  const configFile = findProjectConfig(cwd);
  if (!configFile) {
    throw new UserModuleError("CONFIG", relative(process.cwd(), cwd) || ".", `no ${PROJECT_CONFIG_FILES[0]} here or in any folder above, and no --definitions given.`, {
      hint: 'Create one (`npx materia init <dir>` writes a project), e.g. export default defineConfig({ definitions: "./src/definitions.ts" }), or pass --definitions <file>.',
    });
  }
  const loaded = importUserModule(configFile, "materia.config");
  const exported = loaded.default ?? loaded.config;
  const parsed = projectConfig.safeParse(exported);
  const shown = relative(process.cwd(), configFile) || configFile;
  if (!parsed.success) {
    throw new UserModuleError("CONFIG", shown, exported === undefined ? "exports no configuration." : `its configuration is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}.`, {
      hint: 'export default defineConfig({ definitions: "./src/definitions.ts" })',
    });
  }
  const base = dirname(configFile);
  const config = parsed.data;
  const workspace = "locations" in config;
  const locations = workspace ? config.locations : [{ name: config.name ?? "default", definitions: config.definitions, taskQueue: config.taskQueue }];
  // In a workspace every location has its own queue (its workers have only its code); one location uses MATERIA_TASK_QUEUE.
  const resolved = locations.map((l) => ({ name: l.name, definitionsPath: resolve(base, l.definitions), taskQueue: l.taskQueue ?? (workspace ? `materia-${l.name}` : undefined) }));
  for (const [what, key] of [["name", (l: CodeLocation) => l.name], ["task queue", (l: CodeLocation) => l.taskQueue]] as const) {
    const seen = new Map<string, string>();
    for (const location of resolved) {
      const value = key(location);
      if (value === undefined) continue;
      const other = seen.get(value);
      if (other !== undefined) {
        throw new UserModuleError("CONFIG", shown, `code locations "${other}" and "${location.name}" have the same ${what} "${value}".`, {
          hint: what === "name" ? "Give each location its own name." : "Give each location its own taskQueue: a worker polling it has only its own location's code.",
        });
      }
      seen.set(value, location.name);
    }
  }
  return { configFile, locations: resolved };
}
