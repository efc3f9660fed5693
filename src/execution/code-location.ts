/**
 * A code location's definitions, loaded from the module its config names:
 * the default export (or `definitions`), either the result of
 * `defineDefinitions` or the spec to call it with. Loaded once per process
 * and path; a broken module fails here with the file, the line and the
 * typed error (see utils/user-module).
 */
import { relative } from "node:path";
import { defineDefinitions, type Definitions, type DefinitionsSpec } from "../core";
import { importUserModule, UserModuleError } from "../utils/user-module";

const loaded = new Map<string, Definitions>();

function isDefinitions(value: unknown): value is Definitions {
  const candidate = value as Partial<Definitions> | null;
  return typeof candidate === "object" && candidate !== null && typeof candidate.graph?.keys === "function" && candidate.jobs instanceof Map;
}

function isSpec(value: unknown): value is DefinitionsSpec {
  return typeof value === "object" && value !== null && Array.isArray((value as DefinitionsSpec).assets);
}

export function loadDefinitionsFrom(path: string): Definitions {
  const cached = loaded.get(path);
  if (cached) return cached;
  const exports = importUserModule(path, "definitions module");
  const value = exports.default ?? exports.definitions;
  let definitions: Definitions;
  if (isDefinitions(value)) definitions = value;
  else if (isSpec(value)) {
    try {
      definitions = defineDefinitions(value);
    } catch (error) {
      const typed = error as Error & { hint?: string; code?: string };
      throw new UserModuleError("USAGE", relative(process.cwd(), path) || path, `${typed.name}: ${typed.message}`, { ...(typed.hint ? { hint: typed.hint } : {}), cause: error });
    }
  } else {
    throw new UserModuleError("CONFIG", relative(process.cwd(), path) || path, `exports no definitions (found ${Object.keys(exports).length > 0 ? `exports ${Object.keys(exports).join(", ")}` : "no exports"}).`, {
      hint: "export default defineDefinitions({ assets: [...], jobs: [...] }) from this module.",
    });
  }
  loaded.set(path, definitions);
  return definitions;
}

/** Forget what was loaded (the dev command reloads after a change). */
export function forgetLoadedDefinitions(): void {
  loaded.clear();
}
