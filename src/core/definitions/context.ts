/**
 * What an asset's materialize function (and a check's function) receives.
 * These are interfaces: the resources layer implements them on DuckDB, the
 * object store and pino, so core/ stays pure.
 */
import type { TimeWindow } from "../partitions/types";
import type { KernelTransform } from "./kernel";

export type SqlValue = string | number | bigint | boolean | null | Date;

/** The slice of a DuckDB connection that assets and checks use. */
export interface SqlConnection {
  /** Run one or more statements, ignoring results. `params` bind `$1`, `$2`… in a single statement. */
  run(sql: string, params?: SqlValue[]): Promise<void>;
  /** Run a query and return its rows as plain objects (BIGINT as bigint). */
  all<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Quote an identifier (table, view, column): `ident("a b")` → `"a b"`. */
  ident(name: string): string;
  /** Quote a string literal: `literal("it's")` → `'it''s'`. */
  literal(value: string): string;
}

/** Structured logger with bound fields (pino-compatible subset). */
export interface AssetLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** Read access to objects in the store, e.g. vendor files under a landing prefix. */
export interface ObjectReader {
  /** List keys under a prefix, all pages. */
  list(prefix: string): Promise<Array<{ key: string; size: number; etag?: string; lastModified?: Date }>>;
  /**
   * A path or URL DuckDB can read the object from (a local file path, or an
   * `s3://` URL when DuckDB's httpfs is configured), downloading if needed.
   */
  localPath(key: string): Promise<string>;
}

export interface MaterializeContext<C = unknown> {
  runId: string;
  /**
   * This run's configuration of the asset, validated by its `config` schema
   * when the run was planned (from the run's `config: { "<asset key>": {...} }`,
   * `--config file.json` on the CLI); the schema's defaults when the run gives none.
   */
  config: C;
  /** The asset key (for a multi-asset step: the step name). */
  assetKey: string;
  /** Undefined for unpartitioned assets; the first of `partitionKeys` when a backfill groups several. */
  partitionKey: string | undefined;
  /**
   * Every partition this step materializes: `[partitionKey]`, or the
   * consecutive range a backfill grouped under the asset's backfill policy
   * (then `timeWindow` spans them all). Empty for unpartitioned assets.
   */
  partitionKeys: string[];
  /** The partition's time window, for time partitions (and the time dimension of multi partitions). */
  timeWindow: TimeWindow | undefined;
  /** DuckDB, with each dependency registered as a view named after it (see AssetDep.as). */
  sql: SqlConnection;
  log: AssetLogger;
  /** Objects in the store (landing files of source assets). */
  objects: ObjectReader;
  /** The upstream partition keys each dependency view holds, by view name. */
  upstreamPartitions: Record<string, string[]>;
  /** Report liveness during long work (Temporal activity heartbeat; a no-op in-process). */
  heartbeat(details?: unknown): void;
  /** Aborted when the run is cancelled; the framework also interrupts running DuckDB queries. */
  signal: AbortSignal;
  /** Add metadata recorded on the manifest (small JSON values). */
  addMetadata(metadata: Record<string, unknown>): void;
  /** The code location's resources, by name (read them with `resource.from(ctx)`). */
  resources: Record<string, unknown>;
}

/**
 * What materialize returns for one output: a SELECT query, the name of a
 * table/view it created, or a kernel over typed-array columns (kernel.ts).
 * The framework writes it to staged Parquet.
 */
export type OutputResult = { query: string } | { table: string } | { kernel: KernelTransform };

/** A single asset's result: a SELECT string is shorthand for `{ query }`. */
export type MaterializeResult = string | (OutputResult & { metadata?: Record<string, unknown> });

/** A multi-asset's result: one output per produced asset key. */
export interface MultiMaterializeResult {
  outputs: Record<string, OutputResult>;
  metadata?: Record<string, unknown>;
}
