/**
 * `materia ui [--port N] [--host H]`: the asset UI over this project's
 * definitions, its catalog and the Temporal server; Ctrl-C stops it.
 */
import type { Command } from "commander";
import type { MateriaConfig } from "../../config";
import { startUi, type RunningUi } from "../../ui";
import { RuntimeError } from "../../utils/errors";
import type { Logger } from "../../utils/logger";
import { cliDefinitions } from "../definitions";
import { cliRuntime } from "../runtime";

export const DEFAULT_UI_HOST = "127.0.0.1";

/** Start the UI for the CLI's code location; a taken port fails naming the setting that changes it. */
export async function startCliUi(config: MateriaConfig, log: Logger, options: { port?: number; host?: string } = {}): Promise<RunningUi> {
  const port = options.port ?? config.ui.port;
  // Load once up front, so bad definitions fail here (exit 2/4) rather than on the first page.
  cliDefinitions();
  try {
    return await startUi(config, log, { port, host: options.host ?? DEFAULT_UI_HOST, definitions: cliDefinitions });
  } catch (error) {
    if ((error as { code?: string }).code === "EADDRINUSE") {
      throw new RuntimeError("USAGE", `Port ${port} is taken: the asset UI cannot listen on it.`, { hint: "Set MATERIA_UI_PORT (or pass --port) to a free port." });
    }
    throw error;
  }
}

export function registerUi(program: Command): void {
  program
    .command("ui")
    .description("Serve the asset UI: asset graph, partition health, checks, versions, runs; Ctrl-C stops it")
    .option("--port <n>", "port (default MATERIA_UI_PORT, 3000)")
    .option("--host <address>", `address to bind (default ${DEFAULT_UI_HOST}; 0.0.0.0 for every interface)`)
    .action(async (options: { port?: string; host?: string }) => {
      const { config, log } = cliRuntime();
      const port = options.port === undefined ? undefined : Number(options.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new RuntimeError("USAGE", `--port must be a port number (got "${options.port}").`);
      const ui = await startCliUi(config, log, { ...(port !== undefined ? { port } : {}), ...(options.host ? { host: options.host } : {}) });
      console.log(`materia ui: ${ui.url} (catalog ${config.storage.kind === "file" ? config.storage.path : config.storage.url}; Temporal Web UI ${config.temporal.uiUrl}); Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await ui.close();
    });
}
