/**
 * The partition index: the publish commit keeps it in step with the
 * manifests; concurrent publishers of different partitions of one asset (two
 * processes' worth of store clients on one folder) lose no entry; deltas fold
 * into a base snapshot and old generations go; a rebuild from manifests gives
 * the same index and never undoes a publish that landed during its scan.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Catalog, COMPACT_AT, PartitionIndex, type CheckResult, type Manifest } from "../../src/resources/catalog";
import { LocalObjectStore } from "../../src/resources/object-store";

function lake(): { root: string; store: LocalObjectStore; catalog: Catalog } {
  const root = mkdtempSync(join(tmpdir(), "materia-index-"));
  const store = new LocalObjectStore(root);
  return { root, store, catalog: new Catalog(store) };
}

function manifest(asset: string, partition: string | null, publishedAt: string, overrides: Partial<Manifest> = {}): Manifest {
  return {
    formatVersion: 1,
    asset,
    partition,
    dataVersion: `d-${partition}-${publishedAt}`,
    logicalVersion: "l",
    dataKey: `data/${asset}/${partition ?? "_"}/x.parquet`,
    rowCount: 10,
    bytes: 100,
    codeVersion: "1",
    upstream: [{ asset: "up", partition, dataVersion: "u1" }],
    runId: `run-${partition}`,
    publishedAt,
    schema: [{ name: "a", type: "INTEGER" }],
    startedAt: publishedAt,
    durationMs: 1,
    checks: [],
    metadata: {},
    history: [],
    ...overrides,
  };
}

function checkResult(check: string, passed: boolean, blocking: boolean, evaluatedAt: string): CheckResult {
  return { check, asset: "a", partition: "p", passed, severity: "error", blocking, measured: null, threshold: null, failingCount: passed ? 0 : 2, failingSample: [], message: null, durationMs: 1, evaluatedAt, runId: "r" };
}

const days = (n: number): string[] => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10));

describe("partition index", () => {
  test("publish, a blocked evaluation and a rollback each update the index after the manifest", async () => {
    const { root, catalog } = lake();
    const staged = (name: string, content: string) => {
      const path = join(root, name);
      writeFileSync(path, content);
      return path;
    };
    const base = { asset: "shop/orders", partition: "2025-01-01", rowCount: 3, schema: [], codeVersion: "1", upstream: [], checks: [], metadata: {} };
    const first = await catalog.publish({ ...base, runId: "run-1", stagedPath: staged("a.parquet", "one"), startedAt: new Date() });
    let entry = (await catalog.index.read("shop/orders")).entries.get("2025-01-01");
    expect(entry?.version).toMatchObject({ dataVersion: first.dataVersion, rows: 3, runId: "run-1", codeVersion: "1" });

    const second = await catalog.publish({ ...base, runId: "run-2", stagedPath: staged("b.parquet", "two"), startedAt: new Date() });
    await catalog.recordCheckResults("shop/orders", "2025-01-01", [checkResult("not_null", false, true, new Date(Date.now() + 1000).toISOString())]);
    entry = (await catalog.index.read("shop/orders")).entries.get("2025-01-01");
    expect(entry?.version?.dataVersion).toBe(second.dataVersion);
    expect(entry?.checks).toMatchObject({ failed: 1, failedBlocking: 1, failedChecks: ["not_null"] });

    const rolledBack = await catalog.rollback("shop/orders", "2025-01-01");
    expect(rolledBack.dataVersion).toBe(first.dataVersion);
    expect((await catalog.index.read("shop/orders")).entries.get("2025-01-01")?.version?.dataVersion).toBe(first.dataVersion);
  });

  test("concurrent publishers of different partitions lose no entry", async () => {
    const { root } = lake();
    // Separate store clients on one folder, as separate worker processes would have.
    const writers = [new PartitionIndex(new LocalObjectStore(root)), new PartitionIndex(new LocalObjectStore(root)), new PartitionIndex(new LocalObjectStore(root))];
    const keys = days(60);
    await Promise.all(keys.map((key, i) => writers[i % writers.length]!.recordPublished(manifest("market/bars", key, `2025-01-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`))));
    const snapshot = await new PartitionIndex(new LocalObjectStore(root)).read("market/bars");
    expect([...snapshot.entries.keys()].sort()).toEqual(keys);
    expect(snapshot.entries.get(keys[7]!)?.version?.runId).toBe(`run-${keys[7]}`);
  });

  test("concurrent writes of one process join batches: every entry lands, in fewer generations than writes", async () => {
    const { root } = lake();
    const index = new PartitionIndex(new LocalObjectStore(root));
    const keys = days(40);
    await Promise.all(keys.map((key) => index.recordPublished(manifest("batched", key, "2025-01-01T00:00:00.000Z"))));
    const snapshot = await index.read("batched");
    expect([...snapshot.entries.keys()].sort()).toEqual(keys);
    expect(snapshot.generation).toBeLessThan(keys.length / 2);
  });

  test("a writer starting from the generation it last wrote loses nothing when another process wrote since", async () => {
    const { root } = lake();
    const ours = new PartitionIndex(new LocalObjectStore(root));
    const theirs = new PartitionIndex(new LocalObjectStore(root));
    await ours.recordPublished(manifest("a", "p0", "2025-01-01T00:00:00.000Z"));
    // One write by the other process: our remembered generation 0 is no longer the latest, its next one exists.
    await theirs.recordPublished(manifest("a", "p1", "2025-01-01T00:00:01.000Z"));
    await ours.recordPublished(manifest("a", "p2", "2025-01-01T00:00:02.000Z"));
    // Three more by the other process: our remembered generation's successor was created and deleted behind the chain.
    for (const key of ["p3", "p4", "p5"]) await theirs.recordPublished(manifest("a", key, "2025-01-01T00:00:03.000Z"));
    await ours.recordPublished(manifest("a", "p6", "2025-01-01T00:00:04.000Z"));
    const snapshot = await new PartitionIndex(new LocalObjectStore(root)).read("a");
    expect([...snapshot.entries.keys()].sort()).toEqual(["p0", "p1", "p2", "p3", "p4", "p5", "p6"]);
  });

  test("a writer so slow that its next generation came and went writes again instead of losing its entry", async () => {
    const { root } = lake();
    const fast = new PartitionIndex(new LocalObjectStore(root));
    await fast.recordPublished(manifest("a", "p0", "2025-01-01T00:00:00.000Z"));
    // The slow writer has read generation 0 and is held just before creating generation 1.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reachedCreate!: () => void;
    const atCreate = new Promise<void>((resolve) => (reachedCreate = resolve));
    const slowStore = new LocalObjectStore(root);
    const create = slowStore.createIfAbsent.bind(slowStore);
    let first = true;
    slowStore.createIfAbsent = async (key, data) => {
      if (first) {
        first = false;
        reachedCreate();
        await held;
      }
      return create(key, data);
    };
    const slow = new PartitionIndex(slowStore).recordPublished(manifest("a", "slow", "2025-01-01T00:00:00.000Z"));
    await atCreate;
    // Meanwhile the chain moves on and removes generation 1 behind it.
    for (const key of ["p1", "p2", "p3", "p4"]) await fast.recordPublished(manifest("a", key, "2025-01-01T00:00:00.000Z"));
    release();
    await slow;
    expect([...(await fast.read("a")).entries.keys()].sort()).toEqual(["p0", "p1", "p2", "p3", "p4", "slow"]);
  });

  test("deltas fold into a base snapshot; old generations and bases are removed", async () => {
    const { store } = lake();
    const index = new PartitionIndex(store);
    const keys = days(COMPACT_AT * 2 + 30);
    for (const key of keys) await index.recordPublished(manifest("daily", key, "2025-01-01T00:00:00.000Z"));
    const snapshot = await index.read("daily");
    expect(snapshot.entries.size).toBe(keys.length);
    const objects = (await store.list("index/daily/")).map((o) => o.key);
    expect(objects.filter((k) => k.includes("/=gen/")).length).toBeLessThanOrEqual(2);
    expect(objects.filter((k) => k.includes("/=base/")).length).toBeLessThanOrEqual(2);
    // The current generation carries only the recent delta.
    const current = objects.filter((k) => k.includes("/=gen/")).at(-1)!;
    const doc = await store.getJson<{ entries: object; base: string | null }>(current);
    expect(Object.keys(doc!.entries).length).toBeLessThanOrEqual(COMPACT_AT);
    expect(doc!.base).not.toBeNull();
  });

  test("a check evaluation updates only the checks part; an older one never replaces a newer one", async () => {
    const { store } = lake();
    const index = new PartitionIndex(store);
    await index.recordPublished(manifest("a", "p", "2025-01-02T00:00:00.000Z"));
    await index.recordChecks("a", "p", [checkResult("x", false, false, "2025-01-03T00:00:00.000Z")]);
    await index.recordChecks("a", "p", [checkResult("x", true, false, "2025-01-01T00:00:00.000Z")]);
    const entry = (await index.read("a")).entries.get("p");
    expect(entry?.version?.publishedAt).toBe("2025-01-02T00:00:00.000Z");
    expect(entry?.checks).toMatchObject({ failed: 1, evaluatedAt: "2025-01-03T00:00:00.000Z" });
  });

  test("reindex rebuilds the index from manifests and check files, keeping what landed during the scan", async () => {
    const { root, store, catalog } = lake();
    for (const key of ["2025-01-01", "2025-01-02", "2025-01-03"]) {
      const path = join(root, `${key}.parquet`);
      writeFileSync(path, key);
      await catalog.publish({ asset: "shop/orders", partition: key, runId: `run-${key}`, stagedPath: path, rowCount: 1, schema: [], codeVersion: "1", upstream: [], startedAt: new Date(), checks: [], metadata: {} });
    }
    await catalog.recordCheckResults("shop/orders", "2025-01-04", [checkResult("not_null", false, true, new Date().toISOString())]);
    const before = (await catalog.index.read("shop/orders")).entries;
    await store.deleteMany((await store.list("index/")).map((o) => o.key));
    expect((await catalog.index.read("shop/orders")).entries.size).toBe(0);

    await expect(catalog.reindex("shop/orders")).resolves.toEqual({ partitions: 4 });
    const after = (await catalog.index.read("shop/orders")).entries;
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, entry] of before) expect(after.get(key)).toEqual(entry);

    // A publish that lands after a rebuild's scan started survives the rebuild.
    const late = manifest("shop/orders", "2025-01-05", new Date(Date.now() + 60_000).toISOString());
    await catalog.index.recordPublished(late);
    await catalog.index.replace("shop/orders", [], new Date().toISOString());
    const final = (await catalog.index.read("shop/orders")).entries;
    expect([...final.keys()]).toEqual(["2025-01-05"]);
  });
});
