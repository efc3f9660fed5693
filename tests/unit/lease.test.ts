import { mkdtempSync } from "node:fs";
import { Writable } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineAsset, defineDefinitions } from "../../src/core";
import { loadConfig } from "../../src/config";
import { createExecutionEnvironment, runStep } from "../../src/execution";
import { Lease, LeaseLostError } from "../../src/resources/catalog";
import { LocalObjectStore } from "../../src/resources/object-store";
import { createLogger } from "../../src/utils/logger";
import { gate, waitFor } from "../support/wait";

const store = () => new LocalObjectStore(mkdtempSync(join(tmpdir(), "materia-lease-")));

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
    // The second contender has looked at least twice and was refused both times.
    await waitFor("the second owner to be refused twice", () => waits.length >= 2);
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

  /** run-1 takes the lease on a clock the test moves, stalls past its TTL, and run-2 takes it over. */
  async function takenOverLease(s: LocalObjectStore): Promise<{ stalled: Lease; next: Lease; now: () => number }> {
    let clock = 1_000_000;
    const now = () => clock;
    const stalled = await Lease.acquire(s, "a/b", "2025-01", "run-1", { ttlMs: 50, now });
    clock += 60;
    const next = await Lease.acquire(s, "a/b", "2025-01", "run-2", { pollMs: 20, now });
    return { stalled, next, now };
  }

  it("takes over an expired lease, and the stalled holder learns it lost", async () => {
    const s = store();
    const { stalled, next } = await takenOverLease(s);
    expect(next.waitedFor).toBeUndefined();
    await expect(stalled.assertHeld()).rejects.toBeInstanceOf(LeaseLostError);
    await expect(next.assertHeld()).resolves.toBeUndefined();
  });

  it("a stalled holder releasing after a takeover (without having looked) neither frees the new lease nor leaves a trace", async () => {
    const s = store();
    const { stalled, next, now } = await takenOverLease(s);
    // release() does not list first: it rewrites its own, older generation.
    await stalled.release();
    await expect(next.assertHeld()).resolves.toBeUndefined();
    const waits: string[] = [];
    const third = Lease.acquire(s, "a/b", "2025-01", "run-3", { pollMs: 20, now, onWait: (holder) => waits.push(holder) });
    await waitFor("the third owner to be refused", () => waits.length >= 1);
    expect(waits[0]).toBe("run-2");
    await next.release();
    await third;
    // Only the current generation is left: the stalled holder's rewrite was swept with the rest.
    expect((await s.list("locks/a/b/")).map((o) => o.key)).toEqual(["locks/a/b/2025-01/0000000002.json"]);
  });

  it("two runs of the same step partition never materialize it at once; the second joins", async () => {
    // The first run holds its step open until the second has been seen waiting for its lease:
    // the overlap is made to happen, not hoped for with a sleep.
    const lines: string[] = [];
    const capture = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
    const entered = gate();
    const release = gate();
    let materializations = 0;
    const slow = defineAsset({
      key: "t/slow",
      async materialize() {
        materializations++;
        entered.open();
        await release.promise;
        return "SELECT 42 AS answer";
      },
    });
    const definitions = defineDefinitions({ assets: [slow] });
    const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: mkdtempSync(join(tmpdir(), "materia-lease-home-")) } });
    const env = createExecutionEnvironment(config, createLogger({ level: "info", format: "json", destination: capture }), { store: store() });
    const a = runStep(definitions, { runId: "run-a", step: "t/slow", partition: null }, env);
    await entered.promise;
    const b = runStep(definitions, { runId: "run-b", step: "t/slow", partition: null }, env);
    await waitFor("run-b to wait for run-a's lease", () => lines.some((line) => line.includes('"runId":"run-b"') && line.includes("another run holds this partition")));
    release.open();
    const [outcomeA, outcomeB] = await Promise.all([a, b]);
    expect(outcomeA.status).toBe("published");
    expect(outcomeB.status).toBe("published");
    expect(materializations).toBe(1);
    expect(outcomeB.metadata).toEqual({ joined: true });
    expect((await env.catalog.readManifest("t/slow", null))!.runId).toBe("run-a");
  });
});
