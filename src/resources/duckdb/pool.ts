/**
 * One DuckDB instance per worker process, one isolated in-memory database
 * per step. Creating an instance costs ~10 ms; attaching a fresh in-memory
 * database and making it the connection's default (`USE`) costs ~1 ms and
 * isolates the step just as well: its views and tables live in its own
 * database, which is detached (and freed) when the step ends. The memory
 * limit and spill directory then apply to the worker as a whole.
 *
 * Threads: DuckDB's default is one per core for every query. A worker that
 * runs several steps at once divides the cores among them instead
 * (`divideCoresAmong`), unless MATERIA_DUCKDB_THREADS says otherwise:
 * measured on 2 cores, two steps side by side with a thread each took
 * 7.7–8.3 CPU-s a market month against 9.0–9.7 with two threads each (the
 * parallel operators' extra work), and finished the backfill sooner.
 */
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import type { DuckDBInstance } from "@duckdb/node-api";
import { quoteIdent } from "./quote";
import { createInstance, DuckDbSession, type DuckDbSettings } from "./session";

export class DuckDbPool {
  private instance: Promise<DuckDBInstance> | undefined;
  private settings: DuckDbSettings;

  constructor(settings: DuckDbSettings) {
    this.settings = { ...settings };
  }

  /**
   * This process runs up to `stepsAtOnce` steps side by side: unless threads
   * were configured, give each step's queries an equal share of the cores
   * (at least one). Call before the first session; the instance keeps it.
   */
  divideCoresAmong(stepsAtOnce: number, cores = availableParallelism()): void {
    if (this.settings.threads !== undefined || this.instance !== undefined) return;
    this.settings = { ...this.settings, threads: Math.max(1, Math.floor(cores / Math.max(1, stepsAtOnce))) };
  }

  /** DuckDB threads the instance is (or will be) created with; undefined: DuckDB's default, one per core. */
  get threads(): number | undefined {
    return this.settings.threads;
  }

  async session(signal?: AbortSignal): Promise<DuckDbSession> {
    this.instance ??= createInstance(this.settings);
    const connection = await (await this.instance).connect();
    const database = quoteIdent(`step_${randomBytes(6).toString("hex")}`);
    await connection.run(`ATTACH ':memory:' AS ${database}; USE ${database}`);
    return DuckDbSession.wrap(connection, signal, {
      // Detaching frees everything the step created.
      beforeClose: async (conn) => {
        await conn.run(`USE memory; DETACH DATABASE IF EXISTS ${database}`);
      },
    });
  }

  async close(): Promise<void> {
    const instance = await this.instance;
    this.instance = undefined;
    instance?.closeSync();
  }
}
