/**
 * One DuckDB instance per worker process, one isolated in-memory database
 * per step. Creating an instance costs ~10 ms; attaching a fresh in-memory
 * database and making it the connection's default (`USE`) costs ~1 ms and
 * isolates the step just as well: its views and tables live in its own
 * database, which is detached (and freed) when the step ends. The memory
 * limit and spill directory then apply to the worker as a whole.
 */
import { randomBytes } from "node:crypto";
import type { DuckDBInstance } from "@duckdb/node-api";
import { quoteIdent } from "./quote";
import { createInstance, DuckDbSession, type DuckDbSettings } from "./session";

export class DuckDbPool {
  private instance: Promise<DuckDBInstance> | undefined;

  constructor(private readonly settings: DuckDbSettings) {}

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
