/**
 * The framework's guard: a partition that had rows is not republished with
 * none unless its asset declares `allowEmpty`; downstream is skipped and the
 * last good version stays. Users get it without writing a check.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config";
import { defineAsset, defineDefinitions, monthlyPartitions } from "../../src/core";
import { createExecutionEnvironment, materialize } from "../../src/execution";
import { emptyGuardResult } from "../../src/execution/empty-guard";
import { createObjectStore } from "../../src/resources/object-store";
import { createLogger } from "../../src/utils/logger";

const months = monthlyPartitions({ start: "2024-01", end: "2024-06" });

function setup(allowEmpty: boolean) {
  const source = { rows: 3 };
  const orders = defineAsset({
    key: "shop/orders",
    partitions: months,
    ...(allowEmpty ? { allowEmpty } : {}),
    materialize: async () => `SELECT range AS id FROM range(${source.rows})`,
  });
  const totals = defineAsset({ key: "shop/totals", partitions: months, deps: ["shop/orders"], allowEmpty: true, materialize: async () => "SELECT count(*) AS n FROM orders" });
  const home = mkdtempSync(join(tmpdir(), "materia-empty-guard-"));
  const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: home } });
  const env = createExecutionEnvironment(config, createLogger({ level: "silent", format: "json" }), { store: createObjectStore(`file://${join(home, "lake")}`) });
  return { source, env, definitions: defineDefinitions({ assets: [orders, totals] }) };
}

describe("the empty-partition guard", () => {
  it("blocks republishing a partition that had rows with none, keeps the last good version and skips downstream", async () => {
    const { source, env, definitions } = setup(false);
    expect((await materialize(definitions, { selection: "*", partitions: ["2024-02"], env })).status).toBe("succeeded");
    const good = (await env.catalog.readManifest("shop/orders", "2024-02"))!;

    source.rows = 0;
    const run = await materialize(definitions, { selection: "*", partitions: ["2024-02"], env });
    expect(run.status).toBe("failed");
    expect(run.steps.map((s) => [s.step, s.status])).toEqual([["shop/orders", "blocked"], ["shop/totals", "skipped"]]);
    const guard = (await env.catalog.readCheckResults("shop/orders", "2024-02")).find((c) => c.check === "not_emptied");
    expect(guard).toMatchObject({ passed: false, blocking: true, measured: 0, message: expect.stringContaining("allowEmpty") });
    expect((await env.catalog.readManifest("shop/orders", "2024-02"))!.dataVersion).toBe(good.dataVersion);

    // A first publish may be empty: there was nothing to lose.
    expect((await materialize(definitions, { selection: "*", partitions: ["2024-03"], env })).status).toBe("succeeded");
    // Rows again: the guard passes (which resolves its incident).
    source.rows = 5;
    expect((await materialize(definitions, { selection: "*", partitions: ["2024-02"], env })).status).toBe("succeeded");
    expect((await env.catalog.readManifest("shop/orders", "2024-02"))!.checks.find((c) => c.check === "not_emptied")).toMatchObject({ passed: true });
  });

  it("lets an asset that declares allowEmpty publish an empty partition", async () => {
    const { source, env, definitions } = setup(true);
    expect((await materialize(definitions, { selection: "*", partitions: ["2024-02"], env })).status).toBe("succeeded");
    source.rows = 0;
    expect((await materialize(definitions, { selection: "*", partitions: ["2024-02"], env })).status).toBe("succeeded");
    expect((await env.catalog.readManifest("shop/orders", "2024-02"))!.rowCount).toBe(0);
  });

  it("applies only when an earlier version had rows", () => {
    const base = { asset: "a", partition: null, runId: "r", allowEmpty: false, stagedRows: 0 };
    expect(emptyGuardResult({ ...base, publishedRows: undefined })).toBeUndefined();
    expect(emptyGuardResult({ ...base, publishedRows: 0 })).toBeUndefined();
    expect(emptyGuardResult({ ...base, publishedRows: 7 })).toMatchObject({ passed: false });
    expect(emptyGuardResult({ ...base, publishedRows: 7, allowEmpty: true })).toBeUndefined();
  });
});
