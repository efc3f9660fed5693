import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbPool } from "../../src/resources/duckdb/pool";

/** The thread count the pool's instance really runs with. */
async function instanceThreads(pool: DuckDbPool): Promise<number> {
  const db = await pool.session();
  try {
    const [row] = await db.all<{ threads: bigint }>("SELECT current_setting('threads') AS threads");
    return Number(row?.threads);
  } finally {
    await db.close();
  }
}

describe("DuckDbPool threads (real DuckDB)", () => {
  const dir = mkdtempSync(join(tmpdir(), "materia-pool-"));
  const base = { memoryLimit: "256MB", tempDir: join(dir, "spill") };
  const pools: DuckDbPool[] = [];
  const pool = (threads?: number): DuckDbPool => {
    const created = new DuckDbPool({ ...base, ...(threads !== undefined ? { threads } : {}) });
    pools.push(created);
    return created;
  };
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("divides the cores among the steps run at once, at least one thread each", async () => {
    const four = pool();
    four.divideCoresAmong(2, 8);
    expect(four.threads).toBe(4);
    expect(await instanceThreads(four)).toBe(4);

    const one = pool();
    one.divideCoresAmong(4, 2);
    expect(await instanceThreads(one)).toBe(1);
  });

  it("keeps configured threads, and an instance already created keeps its own", async () => {
    const configured = pool(3);
    configured.divideCoresAmong(4, 2);
    expect(await instanceThreads(configured)).toBe(3);

    const started = pool(2);
    expect(await instanceThreads(started)).toBe(2);
    started.divideCoresAmong(2, 2);
    expect(await instanceThreads(started)).toBe(2);
  });

  it("leaves DuckDB's default (one per core) when nothing divides it", () => {
    expect(pool().threads).toBeUndefined();
  });
});
