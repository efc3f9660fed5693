import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineAsset, defineDefinitions } from "../../src/core";
import { loadConfig } from "../../src/config";
import { createExecutionEnvironment, runStep } from "../../src/execution";
import { Lease, LeaseLostError } from "../../src/resources/catalog";
import { LocalObjectStore } from "../../src/resources/object-store";
import { createLogger } from "../../src/utils/logger";

const store = () => new LocalObjectStore(mkdtempSync(join(tmpdir(), "materia-lease-")));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("leases on a step partition", () => {
  it("lets one owner in at a time; the second waits for the release", async () => {
    const s = store();
    const first = await Lease.acquire(s, "a/b", "2025-01", "run-1", { pollMs: 20 });
    const waits: string[] = [];
    let secondAcquired = false;
    const second = Lease.acquire(s, "a/b", "2025-01", "run-2", { pollMs: 20, onWait: (holder) => waits.push(holder) }).then((lease) => {
      secondAcquired = true;
      return lease;
    });
    await sleep(150);
    expect(secondAcquired).toBe(false);
    expect(waits[0]).toBe("run-1");
    await first.release();
    const lease = await second;
    expect(lease.waitedFor).toBe("run-1");
    await lease.release();
  });

  it("is re-entrant for the same owner (a retried activity of the same run)", async () => {
    const s = store();
    await Lease.acquire(s, "a/b", null, "run-1");
    const again = await Lease.acquire(s, "a/b", null, "run-1", { pollMs: 20 });
    expect(again.waitedFor).toBeUndefined();
  });

  it("takes over an expired lease, and the stalled holder learns it lost", async () => {
    const s = store();
    const stalled = await Lease.acquire(s, "a/b", "2025-01", "run-1", { ttlMs: 50 });
    await sleep(80);
    const next = await Lease.acquire(s, "a/b", "2025-01", "run-2", { pollMs: 20 });
    await expect(stalled.assertHeld()).rejects.toBeInstanceOf(LeaseLostError);
    await expect(next.assertHeld()).resolves.toBeUndefined();
  });

  it("two runs of the same step partition never materialize it at once; the second joins", async () => {
    const intervals: Array<[number, number]> = [];
    const slow = defineAsset({
      key: "t/slow",
      async materialize() {
        const start = Date.now();
        await sleep(300);
        intervals.push([start, Date.now()]);
        return "SELECT 42 AS answer";
      },
    });
    const definitions = defineDefinitions({ assets: [slow] });
    const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: mkdtempSync(join(tmpdir(), "materia-lease-home-")) } });
    const env = createExecutionEnvironment(config, createLogger({ level: "warn", format: "json" }), { store: store() });
    const [a, b] = await Promise.all([runStep(definitions, { runId: "run-a", step: "t/slow", partition: null }, env), sleep(50).then(() => runStep(definitions, { runId: "run-b", step: "t/slow", partition: null }, env))]);
    expect(a.status).toBe("published");
    expect(b.status).toBe("published");
    expect(intervals).toHaveLength(1);
    expect(b.metadata).toEqual({ joined: true });
    expect((await env.catalog.readManifest("t/slow", null))!.runId).toBe("run-a");
  });
});
