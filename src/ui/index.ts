/**
 * The asset UI: `startUi(config, …)` serves it over the catalog the workers
 * write and the Temporal server's visibility. `materia ui` and `materia dev`
 * call it; tests call it with their own definitions.
 */
import type { Client } from "@temporalio/client";
import type { MateriaConfig } from "../config";
import type { Definitions } from "../core";
import { createExecutionEnvironment } from "../execution";
import type { ObjectStore } from "../resources/object-store";
import { connectClient } from "../temporal/connection";
import type { Logger } from "../utils/logger";
import type { UiContext } from "./context";
import { startUiServer, type RunningUi } from "./server";

export type { RunningUi } from "./server";
export { createUiApp, startUiServer } from "./server";
export type { UiContext, UiSettings } from "./context";

const RECONNECT_AFTER_MS = 10_000;
/** A page waits this long for a connection under way; a server that is down must not slow every page. */
const PAGE_WAIT_MS = 500;

/**
 * A client connected on first use; while the server is unreachable, the UI
 * tries again at most every few seconds instead of on every request.
 */
export function lazyTemporalClient(config: MateriaConfig, log: Logger): { get(): Promise<Client | undefined>; close(): Promise<void> } {
  let client: Promise<Client | undefined> | undefined;
  let failedAt = 0;
  return {
    get: () => {
      if (!client || (Date.now() - failedAt > RECONNECT_AFTER_MS && failedAt > 0)) {
        failedAt = 0;
        client = connectClient(config, { timeoutMs: 2_000 }).catch((error: unknown) => {
          failedAt = Date.now();
          log.warn({ err: error }, "ui: Temporal is unreachable");
          return undefined;
        });
      }
      const pending = client;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PAGE_WAIT_MS)));
      return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
    },
    close: async () => {
      const connected = await client;
      await connected?.connection.close();
    },
  };
}

export interface UiOptions {
  port: number;
  host: string;
  definitions: () => Definitions;
  /** Defaults to the configured store. */
  store?: ObjectStore;
  /** Defaults to a client of the configured server. */
  temporal?: () => Promise<Client | undefined>;
}

export async function startUi(config: MateriaConfig, log: Logger, options: UiOptions): Promise<RunningUi> {
  const env = createExecutionEnvironment(config, log, options.store ? { store: options.store } : {});
  const temporal = options.temporal ? { get: options.temporal, close: async () => {} } : lazyTemporalClient(config, log);
  const ctx: UiContext = {
    definitions: options.definitions,
    catalog: env.catalog,
    store: env.store,
    scratchRoot: env.scratchRoot,
    temporal: () => temporal.get(),
    settings: { temporalUiUrl: config.temporal.uiUrl, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, storeDescription: env.store.description },
    log,
  };
  const server = await startUiServer(ctx, { port: options.port, host: options.host });
  return {
    ...server,
    close: async () => {
      await server.close();
      await temporal.close();
      // A store handed in belongs to the caller.
      if (!options.store) await env.store.close?.();
    },
  };
}
