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

  it("is free once its holder published after taking it, with no release written", async () => {
    const s = store();
    let clock = 5_000;
    const now = () => clock;
    await Lease.acquire(s, "a/b", "2025-01", "run-1", { now });
    const asked: Array<[string, string | null, number]> = [];
    clock += 10;
    // run-1 published at 5_005, after taking the lease at 5_000: the lease is free although never released.
    const next = await Lease.acquire(s, "a/b", "2025-01", "run-2", {
      now,
      pollMs: 20,
      published: async (owner, partition, since) => (asked.push([owner, partition, since]), owner === "run-1" && 5_005 >= since),
    });
    expect(next.waitedFor).toBeUndefined();
    expect(asked).toEqual([["run-1", "2025-01", 5_000]]);
  });

  it("is still held by a holder whose publish came before it took the lease (a retry re-entering after its own publish)", async () => {
    const s = store();
    let clock = 5_000;
    const now = () => clock;
    await Lease.acquire(s, "a/b", null, "run-1", { now });
    clock += 10;
    await Lease.acquire(s, "a/b", null, "run-1", { now }); // the retry re-enters at 5_010
    const waits: string[] = [];
    const publishedAt = 5_005;
    const second = Lease.acquire(s, "a/b", null, "run-2", { now, pollMs: 20, onWait: (holder) => waits.push(holder), published: async (_owner, _partition, since) => publishedAt >= since });
    await waitFor("run-2 to be refused twice", () => waits.length >= 2);
    clock += 120_000; // the re-entered lease expires
    await expect(second).resolves.toBeInstanceOf(Lease);
  });

  it("a published step writes no release, and the next run of the partition takes the lease at once", async () => {
    const lake = store();
    const asset = defineAsset({ key: "t/quick", async materialize() { return "SELECT 1 AS one"; } });
    const definitions = defineDefinitions({ assets: [asset] });
    const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: mkdtempSync(join(tmpdir(), "materia-lease-home-")) } });
    const env = createExecutionEnvironment(config, createLogger({ level: "error", format: "json" }), { store: lake });
    expect((await runStep(definitions, { runId: "run-a", step: "t/quick", partition: null }, env)).status).toBe("published");
    const [held] = await lake.list("locks/t/quick/");
    expect(await lake.getJson(held!.key)).toMatchObject({ owner: "run-a", released: false });
    const second = await runStep(definitions, { runId: "run-b", step: "t/quick", partition: null }, env);
    expect(second.status).toBe("published");
    expect(second.metadata).not.toEqual({ joined: true });
    expect((await env.catalog.readManifest("t/quick", null))!.runId).toBe("run-b");
    expect((await lake.list("locks/t/quick/")).map((o) => o.key)).toEqual(["locks/t/quick/_/0000000001.json"]);
  });

  it("a step that published nothing still releases its lease", async () => {
    const lake = store();
    const failing = defineAsset({ key: "t/failing", async materialize() { throw new Error("boom"); } });
    const definitions = defineDefinitions({ assets: [failing] });
    const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: mkdtempSync(join(tmpdir(), "materia-lease-home-")) } });
    const env = createExecutionEnvironment(config, createLogger({ level: "fatal", format: "json" }), { store: lake });
    await expect(runStep(definitions, { runId: "run-a", step: "t/failing", partition: null }, env)).rejects.toThrow("boom");
    const [held] = await lake.list("locks/t/failing/");
    expect(await lake.getJson(held!.key)).toMatchObject({ owner: "run-a", released: true });
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
