/**
 * The partition index on S3 (MinIO): writers with their own clients
 * publishing different partitions of one asset at once lose no entry (the
 * generation chain's conditional create is S3's If-None-Match), and deltas
 * fold into a base as on the local store.
 */
import { COMPACT_AT, PartitionIndex, type Manifest } from "../../src/resources/catalog";
import { S3ObjectStore } from "../../src/resources/object-store";
import { requireEnv } from "../support/test-config";

function store(prefix: string): S3ObjectStore {
  return new S3ObjectStore({ bucket: requireEnv("MATERIA_TEST_S3_BUCKET"), prefix, endpoint: requireEnv("MATERIA_TEST_S3_ENDPOINT") });
}

function manifest(partition: string, i: number): Manifest {
  const at = new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
  return {
    formatVersion: 1, asset: "market/bars", partition, dataVersion: `d-${partition}`, logicalVersion: "l", dataKey: `data/market/bars/${partition}/x.parquet`, rowCount: i, bytes: 1,
    codeVersion: "1", upstream: [], runId: `run-${partition}`, publishedAt: at, schema: [], startedAt: at, durationMs: 1, checks: [], metadata: {}, history: [],
  };
}

describe("partition index on MinIO", () => {
  it("loses no entry when writers publish different partitions of one asset at once, and compacts", async () => {
    const prefix = `index-${Math.random().toString(36).slice(2, 10)}`;
    const stores = [store(prefix), store(prefix), store(prefix), store(prefix)];
    try {
      const writers = stores.map((s) => new PartitionIndex(s));
      const keys = Array.from({ length: COMPACT_AT + 44 }, (_, i) => new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10));
      // Four writers at a time, each with its own client: every round contends for the same next generation.
      for (let i = 0; i < keys.length; i += writers.length) {
        await Promise.all(writers.map((writer, w) => (keys[i + w] ? writer.recordPublished(manifest(keys[i + w]!, i + w)) : Promise.resolve())));
      }
      const snapshot = await new PartitionIndex(stores[0]!).read("market/bars");
      expect([...snapshot.entries.keys()].sort()).toEqual(keys);
      expect(snapshot.entries.get(keys[100]!)?.version?.rows).toBe(100);
      const objects = (await stores[0]!.list("index/market/bars/")).map((o) => o.key);
      expect(objects.filter((k) => k.includes("/=gen/")).length).toBeLessThanOrEqual(2);
      expect(objects.some((k) => k.includes("/=base/"))).toBe(true);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
