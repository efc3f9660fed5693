/**
 * The embedded Temporal dev server: `temporal server start-dev` with SQLite
 * persistence under MATERIA_HOME, the Web UI on a known port, and materia's
 * search attributes registered. With TEMPORAL_ADDRESS set, nothing is
 * started: we connect to that server and make sure the attributes exist.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Connection } from "@temporalio/client";
import type { MateriaConfig } from "../config";
import type { Logger } from "../utils/logger";
import { PortInUseError, RuntimeError, ToolMissingError } from "../utils/errors";
import { isPortFree, spawnManaged, waitUntil, type ManagedProcess } from "../utils/process";
import { resolveTool } from "../utils/tools";
import { connectTemporal, connectTemporalAt, temporalAddress } from "./connection";
import { DEV_SERVER_TYPE_NAMES, MATERIA_SEARCH_ATTRIBUTES } from "./search-attributes";

export interface TemporalStack {
  address: string;
  namespace: string;
  /** The Web UI, when known. */
  uiUrl: string | undefined;
  /** True when this process started the server (and stop() stops it). */
  embedded: boolean;
  /** The embedded server's process id (benchmarks read its CPU). */
  pid?: number;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  home: string;
  port: number;
  uiPort: number;
  namespace: string;
  cliPath?: string | undefined;
  /** SQLite file; default <home>/temporal/dev.sqlite. `:memory:`-like throwaway is not used: runs must survive restarts. */
  dbFile?: string;
  log?: Logger;
  startTimeoutMs?: number;
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<TemporalStack> {
  await assertPortFree(options.port, "Temporal gRPC", "MATERIA_TEMPORAL_PORT");
  await assertPortFree(options.uiPort, "Temporal Web UI", "MATERIA_TEMPORAL_UI_PORT");
  const dbFile = options.dbFile ?? join(options.home, "temporal", "dev.sqlite");
  mkdirSync(join(dbFile, ".."), { recursive: true });
  const tool = resolveTool("temporal", options.home, options.cliPath);
  if (!tool) return startDownloadedDevServer(options, dbFile);

  const args = ["server", "start-dev", "--ip", "127.0.0.1", "--port", String(options.port), "--ui-port", String(options.uiPort), "--db-filename", dbFile, "--log-level", "warn"];
  if (options.namespace !== "default") args.push("--namespace", options.namespace);
  for (const key of MATERIA_SEARCH_ATTRIBUTES) args.push("--search-attribute", `${key.name}=${DEV_SERVER_TYPE_NAMES[key.type]}`);
  options.log?.info({ binary: tool.path, port: options.port, uiPort: options.uiPort, dbFile }, "starting Temporal dev server");
  const server = spawnManaged(tool.path, args);
  const address = `127.0.0.1:${options.port}`;

  let connection: Connection | undefined;
  const ready = await waitUntil(
    async () => {
      connection ??= await connectTemporalAt(address, { timeoutMs: 1_000 });
      await connection.workflowService.getSystemInfo({});
      return true;
    },
    { timeoutMs: options.startTimeoutMs ?? 60_000, intervalMs: 300, child: server.child },
  );
  if (!ready.ok) {
    await server.stop();
    throw new RuntimeError("DEV_SERVER", `The Temporal dev server did not become ready (${ready.reason === "exited" ? `exited with code ${ready.exitCode}` : "timed out"}).\n${server.recentOutput()}`, {
      hint: `Check the output above; delete ${dbFile} if it is corrupt.`,
    });
  }
  // A SQLite file from an older materia may lack newer attributes: add what is missing.
  await ensureSearchAttributes(connection!, options.namespace);
  await connection!.close();
  const uiUrl = `http://127.0.0.1:${options.uiPort}`;
  options.log?.info({ address, uiUrl }, "Temporal dev server ready");
  return { address, namespace: options.namespace, uiUrl, embedded: true, ...(server.child.pid !== undefined ? { pid: server.child.pid } : {}), stop: () => stopServer(server) };
}

/** The embedded server, or the configured external one (started by nobody, stopped by nobody). */
export async function ensureTemporal(config: MateriaConfig, log?: Logger): Promise<TemporalStack> {
  if (config.temporal.address === undefined) {
    return startTemporalDevServer({
      home: config.home,
      port: config.temporal.embeddedPort,
      uiPort: config.temporal.uiPort,
      namespace: config.temporal.namespace,
      cliPath: config.temporal.cliPath,
      ...(log ? { log } : {}),
    });
  }
  const connection = await connectTemporal(config);
  try {
    await ensureSearchAttributes(connection, config.temporal.namespace).catch((error: unknown) => {
      log?.warn({ err: error }, "could not register materia's search attributes (needs operator permissions); runs will not be filterable by them");
    });
  } finally {
    await connection.close();
  }
  return { address: temporalAddress(config), namespace: config.temporal.namespace, uiUrl: config.temporal.uiUrl, embedded: false, stop: async () => {} };
}

/** Register any of materia's search attributes that the namespace lacks. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  const missing = MATERIA_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return;
  const typeIds: Record<string, number> = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 };
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, typeIds[key.type] ?? 2])),
  });
}

async function assertPortFree(port: number, what: string, setting: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortInUseError(port, what, setting);
}

async function stopServer(server: ManagedProcess): Promise<void> {
  await server.stop(15_000);
}

/**
 * Last resort when no binary exists and none can be built (no Go): the
 * Temporal SDK downloads its own dev server. Needs internet access.
 */
async function startDownloadedDevServer(options: DevServerOptions, dbFile: string): Promise<TemporalStack> {
  options.log?.warn("no Temporal CLI binary found; trying the Temporal SDK's download of the dev server");
  const { TestWorkflowEnvironment } = await import("@temporalio/testing");
  let env: Awaited<ReturnType<typeof TestWorkflowEnvironment.createLocal>>;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: "cached-download", downloadDir: join(options.home, "download") },
        ip: "127.0.0.1",
        port: options.port,
        ui: true,
        uiPort: options.uiPort,
        dbFilename: dbFile,
        namespace: options.namespace,
        searchAttributes: [...MATERIA_SEARCH_ATTRIBUTES],
        log: { format: "pretty", level: "warn" },
      },
    });
  } catch (error) {
    throw new ToolMissingError(
      `No Temporal CLI binary, and the SDK could not download the dev server: ${error instanceof Error ? error.message : String(error)}`,
      "Install Go 1.25+ and run `npm run tools` (builds tools/temporal), set MATERIA_TEMPORAL_CLI to a Temporal CLI binary, or set TEMPORAL_ADDRESS to a running server.",
    );
  }
  return {
    address: `127.0.0.1:${options.port}`,
    namespace: options.namespace,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    embedded: true,
    stop: () => env.teardown(),
  };
}
