/**
 * What every command needs: the validated config and a logger with the
 * configured secrets scrubbed. Errors print as `describe()` text with a
 * non-zero exit code, never as a bare stack trace.
 */
import { loadConfig, SECRET_SETTINGS, type MateriaConfig } from "../config";
import { createLogger, type Logger } from "../utils/logger";
import { failureCause, WorkflowCauseError } from "./workflow-failure";
import { declaredLocation } from "./definitions";

export interface CliRuntime {
  config: MateriaConfig;
  log: Logger;
}

export function cliRuntime(): CliRuntime {
  const loaded = loadConfig();
  // A workspace's location brings its own task queue and name; a single location keeps the configured ones.
  const location = process.env.MATERIA_LOCATION === undefined ? declaredLocation() : undefined;
  const config = location === undefined ? loaded : { ...loaded, temporal: { ...loaded.temporal, taskQueue: location.taskQueue ?? loaded.temporal.taskQueue, location: location.taskQueue === undefined ? loaded.temporal.location : location.name } };
  const log = createLogger({
    level: config.log.level,
    format: config.log.format,
    secrets: SECRET_SETTINGS.map((name) => process.env[name]),
  });
  return { config, log };
}

export const EXIT = { ok: 0, failure: 1, usage: 2, unreachable: 3, config: 4 } as const;

/** Print an error the way a user can act on it, and choose the exit code. */
export function reportError(thrown: unknown): number {
  const debug = process.env.MATERIA_DEBUG === "1";
  // A workflow failure no command explained: its cause, not "Workflow execution failed".
  const cause = failureCause(thrown);
  const error = cause ? new WorkflowCauseError("workflow", cause) : thrown;
  if (error instanceof Error) {
    const described = "describe" in error && typeof error.describe === "function" ? String(error.describe()) : error.message;
    console.error(`materia: ${described}`);
    if (debug) console.error(error.stack);
    const code = (error as { code?: unknown }).code;
    if (code === "CONFIG") return EXIT.config;
    if (code === "UNREACHABLE") return EXIT.unreachable;
    if (code === "SELECTION" || code === "PARTITION_KEY" || code === "USAGE") return EXIT.usage;
    return EXIT.failure;
  }
  console.error(`materia: ${String(error)}`);
  return EXIT.failure;
}
