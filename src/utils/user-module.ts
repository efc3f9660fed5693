/**
 * Loading a project's own code — `materia.config.ts` and the definitions
 * module it names — as TypeScript without a build step (tsx's require
 * hook, which honours the project's tsconfig), or as compiled JS (an ES
 * module too: Node 20.19 requires ESM). Failures
 * come back as a `UserModuleError` naming the file, and the line when the
 * error came from one of the project's files, so the CLI never prints a
 * bare stack.
 */
import { existsSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { RuntimeError } from "./errors";
import { packageRoot } from "./package-root";

/** Codes of a definitions error the model raised (a graph that does not build): the CLI exits 2 for these, 4 for a broken file. */
const MODEL_ERRORS = new Set(["ASSET_GRAPH", "DEFINITION", "SELECTION", "PARTITION_MAPPING"]);

export class UserModuleError extends RuntimeError {
  /** The project file (and line) the failure points at, as shown to the user. */
  readonly location: string;

  /** `code`: "USAGE" when the module ran and the model refused its definitions, else "CONFIG". */
  constructor(code: "USAGE" | "CONFIG", location: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(code, `${location}: ${message}`, options);
    this.location = location;
  }
}

let registered = false;

/**
 * tsx's require hook, registered once for this process. Not its namespaced
 * require: that gives the project's code a second copy of every module it
 * imports, materia included, so its errors and definitions would not be
 * the framework's own (instanceof fails across copies).
 */
function registerTypeScript(): void {
  if (registered) return;
  // Under a runner that already compiles TypeScript (tsx itself, Jest), its own hook stays in charge.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!require.extensions[".ts"]) (require("tsx/cjs/api") as { register: () => unknown }).register();
  registered = true;
}

/** The module's exports. `what` says what the file is for ("definitions module", "materia.config"). */
export function importUserModule(file: string, what: string): Record<string, unknown> {
  const path = resolve(file);
  const shown = relative(process.cwd(), path) || path;
  if (!existsSync(path)) {
    throw new UserModuleError("CONFIG", shown, `the ${what} does not exist.`, { hint: `Check the path (relative paths in materia.config.ts are relative to that file).` });
  }
  try {
    if (/\.[cm]?ts$/.test(path)) registerTypeScript();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(path) as unknown;
    return (loaded ?? {}) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof RuntimeError || (error instanceof Error && "hint" in error && "code" in error)) {
      // A typed error (a graph error, a bad definition) thrown while the module ran: keep its type and hint.
      const at = projectFrame(error, path) ?? shown;
      const typed = error as Error & { hint?: string; code?: string };
      // Refused definitions are bad usage (2); a refused materia.config is bad configuration (4).
      const refusedDefinitions = what !== "materia.config" && MODEL_ERRORS.has(typed.code ?? "");
      throw new UserModuleError(refusedDefinitions ? "USAGE" : "CONFIG", at, `${typed.name}: ${typed.message}`, { ...(typed.hint ? { hint: typed.hint } : {}), cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    const at = syntaxLocation(message) ?? (error instanceof Error ? projectFrame(error, path) : undefined) ?? shown;
    // esbuild says "Transform failed with 1 error:" first; the line with "ERROR:" is the one that helps.
    const reason = /ERROR: (.*)/.exec(message)?.[1] ?? firstLine(message);
    throw new UserModuleError("CONFIG", at, `the ${what} failed to load: ${reason}`, {
      hint: /Cannot find module/.test(message) ? "Install the missing package, or fix the import path." : `Fix ${at.split(":")[0]} and run the command again.`,
      cause: error,
    });
  }
}

/** The framework's own code (compiled, or its sources through source maps): its frames are not where the user's mistake is. */
const FRAMEWORK_DIRS = [join(packageRoot(), "dist"), ...["core", "execution", "temporal", "resources", "config", "utils", "cli", "ui"].map((layer) => join(packageRoot(), "src", layer))].map((dir) => dir + sep);
const FRAMEWORK_FILES = ["index.ts", "testing.ts"].map((file) => join(packageRoot(), "src", file));

/** `file:line:col` of the first stack frame in the project's code (not node_modules, not the framework). */
function projectFrame(error: Error, loaded: string): string | undefined {
  for (const line of (error.stack ?? "").split("\n").slice(1)) {
    const match = /(?:\(|^at )((?:\/|[A-Za-z]:\\)[^():]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!match) continue;
    const file = match[1]!;
    const framework = FRAMEWORK_DIRS.some((dir) => file.startsWith(dir)) || FRAMEWORK_FILES.includes(file);
    if (file.includes(`${sep}node_modules${sep}`) || (framework && file !== loaded)) continue;
    return `${relative(process.cwd(), file)}:${match[2]}:${match[3]}`;
  }
  return undefined;
}

/** esbuild's "file:line:col: ERROR: …" for a syntax error. */
function syntaxLocation(message: string): string | undefined {
  const match = /((?:\/|[A-Za-z]:\\)[^\s:]+\.[cm]?[tj]s):(\d+):(\d+)/.exec(message);
  return match ? `${relative(process.cwd(), match[1]!)}:${match[2]}:${match[3]}` : undefined;
}

function firstLine(message: string): string {
  return message.split("\n").find((line) => line.trim() !== "")?.trim() ?? message;
}
