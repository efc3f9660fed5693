import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineCheck, defineDefinitions } from "../../src/core";
import { assetStatuses, checkPublished, createExecutionEnvironment, materialize, type ExecutionEnvironment } from "../../src/execution";
import { Catalog } from "../../src/resources/catalog";
import { createObjectStore, type ObjectStore } from "../../src/resources/object-store";
import { createLogger } from "../../src/utils/logger";
import { fixtureDefinitions } from "../support/fixture-pipeline";
import { requireEnv, testConfig } from "../support/test-config";

const stores: Array<[string, () => ObjectStore]> = [
  ["local folder", () => createObjectStore(`file://${mkdtempSync(join(tmpdir(), "materia-lake-"))}`)],
  [
    "MinIO",
    () =>
      createObjectStore(`s3://${requireEnv("MATERIA_TEST_S3_BUCKET")}/in-process-${Date.now()}`, {
        s3: { endpoint: requireEnv("MATERIA_TEST_S3_ENDPOINT"), forcePathStyle: true, accessKeyId: requireEnv("AWS_ACCESS_KEY_ID"), secretAccessKey: requireEnv("AWS_SECRET_ACCESS_KEY") },
      }),
  ],
];

describe.each(stores)("in-process materialize on the %s store", (_name, makeStore) => {
  const definitions = fixtureDefinitions();
  let env: ExecutionEnvironment;
  let catalog: Catalog;

  beforeAll(async () => {
    env = createExecutionEnvironment(testConfig(), createLogger({ level: "warn", format: "json" }), { store: makeStore() });
    catalog = env.catalog;
    const run = await materialize(definitions, { selection: "*", partitions: ["2024-01", "2024-02", "2024-03"], env });
    expect(run.steps.filter((s) => s.status !== "published")).toEqual([]);
    expect(run.steps).toHaveLength(10);
  });

  it("writes manifests whose sha256 matches the data object, with schema, rows and lineage", async () => {
    const manifest = (await catalog.readManifest("shop/orders", "2024-02"))!;
    expect(manifest.rowCount).toBe(480);
    expect(manifest.schema).toEqual([
      { name: "order_id", type: "BIGINT" },
      { name: "ordered_at", type: "TIMESTAMP" },
      { name: "amount", type: "DOUBLE" },
    ]);
    expect(manifest.metadata).toEqual({ scale: 1 });
    expect(manifest.checks).toEqual([expect.objectContaining({ check: "amount_not_negative", passed: true, blocking: true, measured: 0 })]);
    const bytes = await env.store.getBytes(manifest.dataKey);
    expect(bytes.length).toBe(manifest.bytes);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(manifest.dataVersion);

    const rolling = (await catalog.readManifest("shop/rolling_revenue", "2024-02"))!;
    expect(rolling.upstream.map((u) => u.partition).sort()).toEqual(["2024-01", "2024-02"]);
    const first = (await catalog.readManifest("shop/rolling_revenue", "2024-01"))!;
    expect(first.upstream.map((u) => u.partition)).toEqual(["2024-01"]);
    const summary = (await catalog.readManifest("shop/summary", null))!;
    expect(summary.upstream.map((u) => u.partition)).toEqual(["2024-01", "2024-02", "2024-03"]);
  });

  it("publishes nothing when a blocking check fails, keeps the previous version and skips downstream", async () => {
    const before = (await catalog.readManifest("shop/orders", "2024-02"))!;
    const downstreamBefore = (await catalog.readManifest("shop/daily_revenue", "2024-02"))!;
    const blockedEnv = { ...env, resources: { negative: true } };
    const run = await materialize(definitions, { selection: "shop/orders+", partitions: ["2024-02"], env: blockedEnv });
    expect(run.status).toBe("failed");
    expect(run.steps.find((s) => s.step === "shop/orders")?.status).toBe("blocked");
    expect(run.steps.find((s) => s.step === "shop/daily_revenue")).toMatchObject({ status: "skipped", skippedBecause: "shop/orders[2024-02]" });
    expect((await catalog.readManifest("shop/orders", "2024-02"))!.dataVersion).toBe(before.dataVersion);
    expect((await catalog.readManifest("shop/daily_revenue", "2024-02"))!.dataVersion).toBe(downstreamBefore.dataVersion);
    const [recorded] = await catalog.readCheckResults("shop/orders", "2024-02");
    expect(recorded).toMatchObject({ check: "amount_not_negative", passed: false, failingCount: 1, failingSample: [expect.objectContaining({ order_id: 999999 })] });
  });

  it("rolls back to the previous version", async () => {
    const original = (await catalog.readManifest("shop/orders", "2024-03"))!;
    await materialize(definitions, { selection: "key:shop/orders", partitions: ["2024-03"], env: { ...env, resources: { scale: 2 } } });
    const changed = (await catalog.readManifest("shop/orders", "2024-03"))!;
    expect(changed.dataVersion).not.toBe(original.dataVersion);
    expect(changed.history[0]?.dataVersion).toBe(original.dataVersion);
    const rolledBack = await catalog.rollback("shop/orders", "2024-03");
    expect(rolledBack.dataVersion).toBe(original.dataVersion);
    expect(rolledBack.rowCount).toBe(original.rowCount);
    expect((await catalog.readManifest("shop/orders", "2024-03"))!.dataVersion).toBe(original.dataVersion);
    expect(rolledBack.history[0]?.dataVersion).toBe(changed.dataVersion);
  });

  it("marks an asset and its downstream stale when its code version changes", async () => {
    const request = { assets: ["shop/orders", "shop/daily_revenue", "shop/rolling_revenue", "shop/summary"], partitions: ["2024-01"] };
    const now = await assetStatuses(definitions, env, request);
    expect(now.map((s) => s.status.status)).toEqual(["fresh", "fresh", "fresh", "fresh"]);

    const changed = await assetStatuses(fixtureDefinitions({ ordersCodeVersion: "2" }), env, request);
    const byAsset = Object.fromEntries(changed.map((s) => [s.asset, s.status]));
    expect(byAsset["shop/orders"]).toMatchObject({ status: "stale", causes: [{ kind: "code-version", recorded: "1", current: "2" }] });
    expect(byAsset["shop/daily_revenue"]).toMatchObject({ status: "stale", causes: [{ kind: "upstream-stale", asset: "shop/orders", partition: "2024-01" }] });
    expect(byAsset["shop/summary"]?.status).toBe("stale");
    expect((await assetStatuses(definitions, env, { assets: ["shop/orders"], partitions: ["2024-06"] }))[0]?.status).toEqual({ status: "missing" });
  });

  it("removes orphaned data objects with gc and keeps what manifests reference", async () => {
    const orphan = "data/shop/orders/2024-01/orphan-attempt.parquet";
    await env.store.putBytes(orphan, "not parquet");
    const result = await catalog.gc({ minAgeMs: 0 });
    expect(result.deleted).toContain(orphan);
    expect(await env.store.head(orphan)).toBeUndefined();
    const manifest = (await catalog.readManifest("shop/orders", "2024-01"))!;
    expect(await env.store.head(manifest.dataKey)).toBeDefined();
  });

  it("re-runs checks on a published partition without re-materializing, recording the results", async () => {
    const before = (await catalog.readManifest("shop/orders", "2024-01"))!;
    const stricter = defineDefinitions({
      assets: [...definitions.assets],
      checks: [defineCheck({ asset: "shop/orders", name: "amount_below_50", check: "SELECT * FROM output WHERE amount >= 50" })],
    });
    const results = await checkPublished(stricter, env, { asset: "shop/orders", partition: "2024-01", runId: "check-1" });
    expect(results.map((r) => [r.check, r.passed])).toEqual([
      ["amount_not_negative", true],
      ["amount_below_50", false],
    ]);
    // amount = (i % 7) * 10 for i in 0..479: residues 5 and 6 occur 68 times each.
    expect(results[1]).toMatchObject({ failingCount: 136, measured: 136 });
    expect((await catalog.readCheckResults("shop/orders", "2024-01")).map((r) => r.runId)).toEqual(["check-1", "check-1"]);
    expect((await catalog.readManifest("shop/orders", "2024-01"))!.dataVersion).toBe(before.dataVersion);
  });
});
