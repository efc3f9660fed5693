/**
 * `materia/testing`: what a project's own tests need, with no Temporal and
 * no servers. Materialize definitions in-process into a temporary lake (the
 * same step code the workers run: DuckDB, staged Parquet, checks, publish),
 * read what was published, and run one check against rows of your choosing.
 *
 *   const lake = temporaryLake();
 *   const run = await materialize(definitions, { selection: "*", partition: "2025-01", lake });
 *   expect(run.status).toBe("succeeded");
 *   expect(await lake.rows("shop/orders", "2025-01")).toHaveLength(3);
 *
 * A generator the definitions contribute runs as `materia generate` runs it:
 *
 *   await runGenerator(shopGenerator, { lake, from: "2025-01", to: "2025-03" });
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "./config";
import { normalizeCheck, type CheckDefinition, type CheckOutcome, type CheckSpec, type Definitions, type GeneratorDefinition, type LandingWriter } from "./core";
import { createExecutionEnvironment, materialize as materializeInProcess, runChecks, type ExecutionEnvironment } from "./execution";
import { runGenerator as runGeneratorInProcess } from "./execution/generate";
import { DuckDbSession, quoteLiteral } from "./resources/duckdb";
import { createObjectStore } from "./resources/object-store";
import { createLogger } from "./utils/logger";

export interface TemporaryLake {
  /** The folder; the lake is `file://<dir>/lake`. */
  dir: string;
  storageUrl: string;
  /** Rows of a published asset partition (null for unpartitioned), in stored order. */
  rows<T extends Record<string, unknown> = Record<string, unknown>>(asset: string, partition?: string | null): Promise<T[]>;
  /** Write a landing file (sample input) into the lake. */
  put(key: string, data: Uint8Array | string): Promise<void>;
  remove(): void;
}

export interface MaterializeOptions {
  /** One partition, or several. */
  partition?: string;
  partitions?: string[];
  /** A selection expression (default "*"), or a job. */
  selection?: string;
  job?: string;
  /** Where to publish: a temporary lake (default: a new one) or a storage URL. */
  lake?: TemporaryLake;
  storage?: string;
  /** Resources by name, replacing the definitions' own (fakes for tests). */
  resources?: Record<string, unknown>;
}

export interface StepResult {
  step: string;
  partition: string | null;
  status: "published" | "blocked" | "failed" | "skipped";
  /** Rows published per output asset. */
  rows: Record<string, number>;
  /** Failed checks as `asset:check`. */
  failedChecks: string[];
  error?: { type: string; message: string };
}

export interface MaterializeResult {
  status: "succeeded" | "failed";
  steps: StepResult[];
  lake: TemporaryLake | undefined;
}

/** A throwaway local lake in the system's temp folder. */
export function temporaryLake(): TemporaryLake {
  const dir = mkdtempSync(join(tmpdir(), "materia-test-lake-"));
  const storageUrl = `file://${join(dir, "lake")}`;
  const store = createObjectStore(storageUrl);
  const env = testEnvironment(dir, storageUrl, {});
  return {
    dir,
    storageUrl,
    rows: async <T extends Record<string, unknown>>(asset: string, partition: string | null = null) => {
      const manifest = await env.catalog.readManifest(asset, partition);
      if (!manifest) throw new Error(`${asset}${partition === null ? "" : ` [${partition}]`} is not published in this lake.`);
      const db = await DuckDbSession.open(env.duckdb);
      try {
        return await db.all<T>(`SELECT * FROM read_parquet(${quoteLiteral(await store.localPath(manifest.dataKey, env.scratchRoot))})`);
      } finally {
        await db.close();
      }
    },
    put: async (key, data) => {
      await store.putBytes(key, data);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Materialize in-process, as `materia materialize --in-process` does. */
export async function materialize(definitions: Definitions, options: MaterializeOptions = {}): Promise<MaterializeResult> {
  const lake = options.storage === undefined ? (options.lake ?? temporaryLake()) : undefined;
  const dir = lake?.dir ?? mkdtempSync(join(tmpdir(), "materia-test-home-"));
  const env = testEnvironment(dir, options.storage ?? lake!.storageUrl, options.resources ?? {});
  const partitions = [...(options.partitions ?? []), ...(options.partition !== undefined ? [options.partition] : [])];
  const run = await materializeInProcess(definitions, { ...(options.job !== undefined ? { job: options.job } : { selection: options.selection ?? "*" }), partitions, env });
  return {
    status: run.status,
    lake,
    steps: run.steps.map((step) => ({
      step: step.step,
      partition: step.partition,
      status: step.status,
      rows: Object.fromEntries(step.outputs.map((o) => [o.asset, o.rowCount])),
      failedChecks: step.outputs.flatMap((o) => o.checks.filter((c) => !c.passed).map((c) => `${o.asset}:${c.check}`)),
      ...(step.error ? { error: step.error } : {}),
    })),
  };
}

/**
 * Run one check against rows given as a SELECT (the check sees them as the
 * view `output`, as it does a staged output), e.g.
 * `await runCheck(unique("id"), "SELECT * FROM (VALUES (1), (1)) t(id)")`.
 */
export async function runCheck(check: CheckSpec | CheckDefinition, rows: string, options: { asset?: string; partition?: string } = {}): Promise<CheckOutcome & { passed: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), "materia-test-check-"));
  const env = testEnvironment(dir, `file://${join(dir, "lake")}`, {});
  const db = await DuckDbSession.open(env.duckdb);
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE output AS ${rows}`);
    const schema = await db.describe("SELECT * FROM output");
    const definition = "type" in check ? check : normalizeCheck(options.asset ?? "test/asset", check);
    const [result] = await runChecks([definition], {
      db,
      asset: options.asset ?? "test/asset",
      partition: options.partition ?? null,
      timeWindow: undefined,
      runId: "test",
      schema,
      previousSchema: undefined,
      viewOf: async () => {
        throw new Error("runCheck has no other assets to compare with; use materialize() for checks that read other assets.");
      },
    });
    return { passed: result!.passed, measured: result!.measured, threshold: result!.threshold, failingCount: result!.failingCount ?? 0, failingRows: result!.failingSample, message: result!.message ?? undefined };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunGeneratorOptions {
  /** First and last partition (inclusive), as `--from` and `--to`. */
  from: string;
  to: string;
  /** Declared flags to set, e.g. `["clean"]` for `--clean`. */
  flags?: string[];
  /** Where to write: a temporary lake (default: a new one), or any store. */
  lake?: TemporaryLake;
  store?: LandingWriter;
  progress?: (done: number, total: number, label: string) => void;
}

/**
 * Run a generator as `materia generate <name> --from --to` does: its own
 * DuckDB session and scratch folder, removed afterwards. Returns what it
 * reported, the partitions it was given, and the lake it wrote to (when
 * not given a store).
 */
export async function runGenerator(
  generator: GeneratorDefinition,
  options: RunGeneratorOptions,
): Promise<{ files: number; rows?: number; partitions: string[]; lake: TemporaryLake | undefined }> {
  const lake = options.store === undefined ? (options.lake ?? temporaryLake()) : undefined;
  const store = options.store ?? createObjectStore(lake!.storageUrl);
  const dir = mkdtempSync(join(tmpdir(), "materia-test-generate-"));
  const env = testEnvironment(dir, `file://${join(dir, "lake")}`, {});
  const partitions = generator.partitions.keysInRange(options.from, options.to);
  try {
    const result = await runGeneratorInProcess(generator, {
      store,
      partitions,
      flags: options.flags ?? [],
      duckdb: env.duckdb,
      scratchRoot: env.scratchRoot,
      log: env.log,
      ...(options.progress ? { progress: options.progress } : {}),
    });
    return { ...result, partitions, lake };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function testEnvironment(dir: string, storageUrl: string, resources: Record<string, unknown>): ExecutionEnvironment {
  const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: join(dir, "home"), MATERIA_STORAGE_URL: storageUrl, MATERIA_INFRA_RETRY_SECONDS: "0" } });
  return createExecutionEnvironment(config, createLogger({ level: "silent", format: "json" }), { store: createObjectStore(storageUrl), resources });
}
