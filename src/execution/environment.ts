/**
 * What a step needs from the outside world, built once per process from the
 * config: the object store, the catalog over it, DuckDB settings, a scratch
 * folder and a logger. The in-process executor and the Temporal activities
 * share it.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { MateriaConfig } from "../config";
import { Catalog } from "../resources/catalog";
import { DuckDbPool, type DuckDbSettings } from "../resources/duckdb";
import { createObjectStore, type ObjectStore } from "../resources/object-store";
import type { Logger } from "../utils/logger";

export interface ExecutionEnvironment {
  store: ObjectStore;
  catalog: Catalog;
  duckdb: DuckDbSettings;
  /** The worker's DuckDB instance: each step gets its own database in it. */
  duckdbPool: DuckDbPool;
  /** Staged files and downloaded inputs live here during a step, removed after. */
  scratchRoot: string;
  log: Logger;
  /** Free-form resources handed to materialize functions. */
  resources: Record<string, unknown>;
  /** How long a step's lease on its partition lasts without renewal (default 60 s). */
  leaseTtlMs?: number;
  /** How long a step waits out an object-store outage before failing (MATERIA_INFRA_RETRY_SECONDS). */
  outageWindowMs: number;
  /** The code location served (MATERIA_LOCATION): runs are labelled with it. */
  location: string;
}

export function storeFromConfig(config: MateriaConfig): ObjectStore {
  const storage = config.storage;
  if (storage.kind === "file") return createObjectStore(`file://${storage.path}`);
  return createObjectStore(storage.url, {
    s3: {
      region: storage.region,
      forcePathStyle: storage.forcePathStyle,
      ...(storage.endpoint ? { endpoint: storage.endpoint } : {}),
      ...(storage.accessKeyId && storage.secretAccessKey ? { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey } : {}),
    },
  });
}

export function createExecutionEnvironment(config: MateriaConfig, log: Logger, options: { store?: ObjectStore; resources?: Record<string, unknown> } = {}): ExecutionEnvironment {
  const store = options.store ?? storeFromConfig(config);
  const scratchRoot = join(config.home, "tmp", "steps");
  mkdirSync(scratchRoot, { recursive: true });
  const duckdb = { memoryLimit: config.duckdb.memoryLimit, threads: config.duckdb.threads, tempDir: config.duckdb.tempDir };
  return {
    store,
    catalog: new Catalog(store),
    duckdb,
    duckdbPool: new DuckDbPool(duckdb),
    scratchRoot,
    log,
    resources: options.resources ?? {},
    outageWindowMs: config.worker.infraRetrySeconds * 1000,
    location: config.temporal.location,
  };
}
