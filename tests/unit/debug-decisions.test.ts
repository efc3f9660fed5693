import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config";
import { createExecutionEnvironment, materialize } from "../../src/execution";
import { Lease } from "../../src/resources/catalog";
import { LocalObjectStore } from "../../src/resources/object-store";
import { createBackfillActivities } from "../../src/temporal/activities/backfill";
import { createLogger } from "../../src/utils/logger";
import { fixtureDefinitions } from "../support/fixture-pipeline";

/** A debug-level JSON logger whose lines the test reads back. */
function debugLog(): { log: ReturnType<typeof createLogger>; lines: () => Array<{ msg: string } & Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const log = createLogger({ level: "debug", format: "json", destination: stream });
  return { log, lines: () => chunks.join("").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as { msg: string }) };
}

describe("MATERIA_LOG_LEVEL=debug logs the decisions", () => {
  it("the plan: what the selection resolved to, the steps in order, the inputs from outside", async () => {
    const { log, lines } = debugLog();
    const home = mkdtempSync(join(tmpdir(), "materia-debug-"));
    const env = createExecutionEnvironment(loadConfig({ readDotenv: false, env: { MATERIA_HOME: home, MATERIA_LOG_LEVEL: "debug" } }), log);
    try {
      const result = await materialize(fixtureDefinitions(), { selection: "key:shop/daily_revenue", partitions: ["2024-01"], env }).catch((error: unknown) => error);
      // shop/orders[2024-01] was never published: the plan says it looked, then refuses.
      expect(result).toBeInstanceOf(Error);
      const messages = lines().map((l) => l.msg);
      expect(messages).toContain("plan: selection resolved");
      expect(messages).toContain("plan: 1 step(s) in this order");
      expect(lines().find((l) => l.msg === "plan: input from outside the selection")).toMatchObject({ asset: "shop/orders", partition: "2024-01", present: false });
    } finally {
      await env.duckdbPool.close();
    }
  });

  it("lease waits: taken, held by another run, taken after the release", async () => {
    const { log, lines } = debugLog();
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), "materia-lease-debug-")));
    const first = await Lease.acquire(store, "a/b", "2025-01", "run-1", { pollMs: 10, log });
    let waited = false;
    const second = Lease.acquire(store, "a/b", "2025-01", "run-2", { pollMs: 10, log, onWait: () => void (waited = true) });
    // Release only once the second contender has seen the first holder.
    while (!waited) await new Promise((resolve) => setImmediate(resolve));
    await first.release();
    await (await second).release();
    const messages = lines().map((l) => l.msg);
    expect(messages[0]).toBe("lease: taken (free)");
    expect(lines().find((l) => l.msg.startsWith("lease: held by another run"))).toMatchObject({ holder: "run-1" });
    // Logged once per holder, not on every poll.
    expect(messages.filter((m) => m.startsWith("lease: held by another run"))).toHaveLength(1);
    expect(messages).toContain("lease: taken (released by run-1)");
  });

  it("skip reasons of a --skip existing backfill, per asset partition", async () => {
    const { log, lines } = debugLog();
    const home = mkdtempSync(join(tmpdir(), "materia-skip-debug-"));
    const env = createExecutionEnvironment(loadConfig({ readDotenv: false, env: { MATERIA_HOME: home, MATERIA_LOG_LEVEL: "debug" } }), log);
    const definitions = fixtureDefinitions();
    try {
      expect((await materialize(definitions, { selection: "key:shop/orders", partitions: ["2024-01"], env })).status).toBe("succeeded");
      const plan = await createBackfillActivities(definitions, env, undefined).planBackfill({ selection: "key:shop/orders", from: "2024-01", to: "2024-02", skip: "existing" });
      expect(plan).toMatchObject({ partitions: ["2024-01", "2024-02"], initial: "kp" });
      expect(lines().find((l) => l.partition === "2024-01" && l.msg.startsWith("backfill:"))?.msg).toBe("backfill: keeping shop/orders[2024-01]: published");
      expect(lines().find((l) => l.partition === "2024-02" && l.msg.startsWith("backfill:"))).toMatchObject({ msg: "backfill: running shop/orders[2024-02]: never published", status: "missing" });
      expect(lines().find((l) => l.msg === "backfill: planned over asset partitions")).toMatchObject({ nodes: 2, kept: 1, waiting: 0 });
    } finally {
      await env.duckdbPool.close();
    }
  });
});
