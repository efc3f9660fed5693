/**
 * The Temporal SDK's own logs (worker state changes, …) go through pino at
 * warn and above, so they are structured and scrubbed like ours. Installed
 * once per process, before the first worker or native connection.
 */
import { DefaultLogger, Runtime, type LogLevel } from "@temporalio/worker";
import type { Logger } from "../utils/logger";

let installed = false;

export function installTemporalRuntimeLogging(log: Logger | undefined, level: LogLevel = "WARN"): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({
      logger: new DefaultLogger(level, (entry) => {
        const fields = { ...(entry.meta ?? {}), source: "temporal-sdk" };
        const message = entry.message;
        if (!log) return;
        if (entry.level === "ERROR") log.error(fields, message);
        else if (entry.level === "WARN") log.warn(fields, message);
        else log.debug(fields, message);
      }),
    });
  } catch {
    // A runtime already exists (e.g. created by another library): keep its logger.
  }
}
