/**
 * Built-in check factories through the real check runner (runChecks) on a
 * real DuckDB, and the cross-asset ones through in-process materialize with
 * a local store (real published data behind `viewOf`).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config";
import { defineAsset, defineCheck, defineDefinitions, monthlyPartitions, normalizeCheck, type CheckSpec } from "../../src/core";
import {
  acceptedValues,
  evaluateFreshness,
  freshness,
  freshnessPolicyOf,
  inRange,
  notNull,
  reconciliation,
  rowCount,
  rowsMatch,
  schemaUnchanged,
  unique,
} from "../../src/core/checks";
import { createExecutionEnvironment, materialize, runChecks } from "../../src/execution";
import type { CheckResult } from "../../src/resources/catalog";
import { DuckDbSession } from "../../src/resources/duckdb";
import { createLogger } from "../../src/utils/logger";

const dir = mkdtempSync(join(tmpdir(), "materia-checks-"));
const duckdb = { memoryLimit: "256MB", threads: 1, tempDir: join(dir, "spill") };

const GOOD = `SELECT * FROM (VALUES (1, 'open', 10.0), (2, 'closed', 20.0), (3, 'open', 30.0)) t(id, status, amount)`;

interface RunOptions {
  /** Other assets' published data by asset key, as SELECT queries. */
  published?: Record<string, string>;
  previousSchema?: Array<{ name: string; type: string }>;
  partition?: string;
}

/** Stage `outputSql` as the view `output` and run one check through runChecks. */
async function runCheckOn(spec: CheckSpec, outputSql: string, options: RunOptions = {}): Promise<CheckResult> {
  const db = await DuckDbSession.open(duckdb);
  try {
    await db.run(`CREATE TABLE staged AS ${outputSql}`);
    await db.run(`CREATE VIEW output AS SELECT * FROM staged`);
    const schema = await db.describe("output");
    const [result] = await runChecks([normalizeCheck("test/asset", spec)], {
      db,
      asset: "test/asset",
      partition: options.partition ?? null,
      timeWindow: undefined,
      runId: "run-1",
      schema,
      previousSchema: options.previousSchema,
      viewOf: async (assetKey) => {
        const sql = options.published?.[assetKey];
        if (sql === undefined) throw new Error(`no published data for ${assetKey}`);
        const view = `published_${assetKey.replace(/\W/g, "_")}`;
        await db.run(`CREATE OR REPLACE VIEW ${db.ident(view)} AS ${sql}`);
        return view;
      },
    });
    return result!;
  } finally {
    await db.close();
  }
}

describe("built-in check factories (real DuckDB, runChecks)", () => {
  it("rowCount passes within bounds and fails outside them", async () => {
    expect(await runCheckOn(rowCount({ min: 1, max: 3 }), GOOD)).toMatchObject({ check: "row_count", passed: true, measured: 3 });
    expect(await runCheckOn(rowCount({ min: 4 }), GOOD)).toMatchObject({ passed: false, measured: 3, threshold: ">= 4" });
    expect(await runCheckOn(rowCount({ min: 1 }), `${GOOD} WHERE false`)).toMatchObject({ passed: false, measured: 0 });
  });

  it("notNull fails on a NULL and samples the row", async () => {
    expect(await runCheckOn(notNull(["id", "status"]), GOOD)).toMatchObject({ check: "not_null_id_status", passed: true });
    const bad = await runCheckOn(notNull(["id", "status"]), `${GOOD} UNION ALL SELECT 4, NULL, 1.0`);
    expect(bad).toMatchObject({ passed: false, failingCount: 1, failingSample: [{ id: 4, status: null, amount: 1 }] });
  });

  it("unique fails on a duplicated key, reporting the key and how often it occurs", async () => {
    expect(await runCheckOn(unique("id"), GOOD)).toMatchObject({ check: "unique_id", passed: true });
    const bad = await runCheckOn(unique(["id"]), `${GOOD} UNION ALL SELECT 2, 'open', 5.0`);
    expect(bad).toMatchObject({ passed: false, failingCount: 1, failingSample: [{ id: 2, duplicate_rows: 2 }] });
  });

  it("acceptedValues fails on a value outside the list; NULLs pass unless allowNull is false", async () => {
    expect(await runCheckOn(acceptedValues("status", ["open", "closed"]), GOOD)).toMatchObject({ check: "accepted_values_status", passed: true });
    const bad = await runCheckOn(acceptedValues("status", ["open", "closed"]), `${GOOD} UNION ALL SELECT 4, 'it''s odd', 1.0`);
    expect(bad).toMatchObject({ passed: false, failingCount: 1, failingSample: [{ status: "it's odd" }] });
    const withNull = `${GOOD} UNION ALL SELECT 5, NULL, 1.0`;
    expect((await runCheckOn(acceptedValues("status", ["open", "closed"]), withNull)).passed).toBe(true);
    expect((await runCheckOn(acceptedValues("status", ["open", "closed"], { allowNull: false }), withNull)).passed).toBe(false);
  });

  it("inRange fails on a value outside [min, max] and supports an open end", async () => {
    expect(await runCheckOn(inRange("amount", 0, 30), GOOD)).toMatchObject({ check: "in_range_amount", passed: true });
    expect(await runCheckOn(inRange("amount", 0, 25), GOOD)).toMatchObject({ passed: false, failingCount: 1, failingSample: [{ id: 3 }] });
    expect((await runCheckOn(inRange("amount", 15, undefined), GOOD)).failingCount).toBe(1);
  });

  it("schemaUnchanged passes with no previous version or the same schema, and fails on a changed type or column", async () => {
    const same = [
      { name: "id", type: "INTEGER" },
      { name: "status", type: "VARCHAR" },
      { name: "amount", type: "DECIMAL(3,1)" },
    ];
    expect(await runCheckOn(schemaUnchanged(), GOOD)).toMatchObject({ passed: true, message: "no previous version to compare with" });
    expect((await runCheckOn(schemaUnchanged(), GOOD, { previousSchema: same })).passed).toBe(true);
    const changed = await runCheckOn(schemaUnchanged(), GOOD, { previousSchema: [{ name: "id", type: "BIGINT" }, { name: "status", type: "VARCHAR" }, { name: "region", type: "VARCHAR" }] });
    expect(changed).toMatchObject({ passed: false, measured: 3 });
    expect(changed.failingSample).toEqual([
      { column: "id", change: "type_changed", before: "BIGINT", after: "INTEGER" },
      { column: "region", change: "removed", before: "VARCHAR", after: null },
      { column: "amount", change: "added", before: null, after: "DECIMAL(3,1)" },
    ]);
  });

  it("reconciliation compares counts, sums and checksums with the sum over several assets", async () => {
    const published = {
      "t/accepted": "SELECT * FROM staged WHERE status = 'open'",
      "t/rejected": "SELECT * FROM staged WHERE status <> 'open'",
    };
    const against = [{ asset: "t/accepted" }, { asset: "t/rejected" }];
    for (const measure of ["count", { sum: "amount" }, { checksum: ["id", "status", "amount"] }] as const) {
      expect(await runCheckOn(reconciliation({ against, measure }), GOOD, { published })).toMatchObject({ check: "reconciles_with_accepted_rejected", passed: true });
    }
    const lostRow = { "t/accepted": "SELECT * FROM staged WHERE status = 'open' AND id <> 3", "t/rejected": published["t/rejected"] };
    expect(await runCheckOn(reconciliation({ against, measure: "count" }), GOOD, { published: lostRow })).toMatchObject({ passed: false, measured: 3, threshold: "= 2" });
    expect((await runCheckOn(reconciliation({ against, measure: "count", tolerance: 1 }), GOOD, { published: lostRow })).passed).toBe(true);
    const changedValue = { ...published, "t/accepted": "SELECT id, status, CASE WHEN id = 3 THEN 31.0 ELSE amount END AS amount FROM staged WHERE status = 'open'" };
    const bySum = await runCheckOn(reconciliation({ against, measure: { sum: "amount" } }), GOOD, { published: changedValue });
    expect(bySum).toMatchObject({ passed: false, measured: 60, threshold: "= 61" });
    expect(bySum.failingSample).toEqual([
      { side: "output", measure: "sum(amount)", value: 60 },
      { side: "t/accepted", measure: "sum(amount)", value: 41 },
      { side: "t/rejected", measure: "sum(amount)", value: 20 },
    ]);
    const changedStatus = { ...published, "t/rejected": "SELECT id, 'void' AS status, amount FROM staged WHERE status <> 'open'" };
    expect((await runCheckOn(reconciliation({ against, measure: "count" }), GOOD, { published: changedStatus })).passed).toBe(true);
    expect((await runCheckOn(reconciliation({ against, measure: { checksum: ["id", "status", "amount"] } }), GOOD, { published: changedStatus })).passed).toBe(false);
  });

  it("rowsMatch reports a changed value, and rows missing on either side", async () => {
    const spec = rowsMatch({ against: { asset: "t/legacy" }, key: ["id"], columns: ["status", "amount"] });
    expect(await runCheckOn(spec, GOOD, { published: { "t/legacy": GOOD } })).toMatchObject({ check: "rows_match_legacy", passed: true });
    const legacy = `SELECT id, status, CASE WHEN id = 2 THEN 20.5 ELSE amount END AS amount FROM (${GOOD}) WHERE id <> 3 UNION ALL SELECT 9, 'open', 1.0`;
    const result = await runCheckOn(spec, GOOD, { published: { "t/legacy": legacy } });
    expect(result).toMatchObject({ passed: false, failingCount: 3 });
    const byId = Object.fromEntries(result.failingSample.map((r) => [r.id as number, r]));
    expect(byId[2]).toMatchObject({ diff: "changed", amount__output: 20, amount__against: 20.5 });
    expect(byId[3]).toMatchObject({ diff: "missing_in_against" });
    expect(byId[9]).toMatchObject({ diff: "missing_in_output" });
    const tolerant = rowsMatch({ against: { asset: "t/legacy" }, key: "id", tolerance: 0.5 });
    const changedOnly = `SELECT id, status, CASE WHEN id = 2 THEN 20.5 ELSE amount END AS amount FROM (${GOOD})`;
    expect((await runCheckOn(tolerant, GOOD, { published: { "t/legacy": changedOnly } })).passed).toBe(true);
  });

  it("names an unknown column and lists the output's columns", async () => {
    const result = await runCheckOn(notNull("order_id"), GOOD);
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^check references unknown column "order_id"; the output's columns are: id, status, amount/);
    const typo = await runCheckOn(reconciliation({ against: { asset: "t/x" }, measure: { sum: "amont" } }), GOOD, { published: { "t/x": GOOD } });
    expect(typo.message).toBe('check references unknown column "amont"; the output\'s columns are: id, status, amount (did you mean "amount"?)');
    // Qualified in a join (o."idx"): DuckDB words it differently.
    const joined = await runCheckOn(rowsMatch({ against: { asset: "t/x" }, key: "idx" }), GOOD, { published: { "t/x": GOOD } });
    expect(joined.message).toMatch(/^check references unknown column "idx"; the output's columns are: id, status, amount/);
    // The output has the column, the compared asset does not.
    const otherSide = await runCheckOn(rowsMatch({ against: { asset: "t/x" }, key: "id", columns: ["status"] }), GOOD, { published: { "t/x": "SELECT id FROM staged" } });
    expect(otherSide.message).toBe('check references column "status", which the compared asset does not have; the output\'s columns are: id, status, amount');
  });

  it("freshness evaluates a partition deadline as pending, on time, late or missing", () => {
    const window = { start: new Date("2024-01-01T00:00:00Z"), end: new Date("2024-02-01T00:00:00Z") };
    const deadline = { afterPartitionEnd: "P2D" };
    const at = (iso: string) => new Date(iso);
    const input = { partitionKey: "2024-01", window };
    expect(evaluateFreshness(deadline, { ...input, now: at("2024-02-02T00:00:00Z"), publishedAt: undefined })).toMatchObject({ status: "pending", passed: true });
    expect(evaluateFreshness(deadline, { ...input, now: at("2024-02-05T00:00:00Z"), publishedAt: at("2024-02-02T12:00:00Z") })).toMatchObject({ status: "on_time", passed: true });
    expect(evaluateFreshness(deadline, { ...input, now: at("2024-02-05T00:00:00Z"), publishedAt: at("2024-02-03T06:00:00Z") })).toMatchObject({ status: "late", passed: true, lateByMs: 6 * 3600_000 });
    const missing = evaluateFreshness(deadline, { ...input, now: at("2024-02-03T01:00:00Z"), publishedAt: undefined });
    expect(missing).toMatchObject({ status: "missing", passed: false, deadline: at("2024-02-03T00:00:00Z") });
    const byFunction = (key: string) => new Date(`${key}-15T00:00:00Z`);
    expect(evaluateFreshness(byFunction, { ...input, now: at("2024-01-16T00:00:00Z"), publishedAt: undefined }).status).toBe("missing");
    expect(() => freshness({ partitionDeadline: { afterPartitionEnd: "two days" } })).toThrow(/ISO 8601 duration/);
    expect(() => freshness({ partitionDeadline: { afterPartitionEnd: "P1D", timezone: "Mars/Olympus" } })).toThrow(/IANA timezone/);
    // Calendar days in the partition's timezone: across the DST change, one day after is 23 hours.
    const chicago = evaluateFreshness({ afterPartitionEnd: "P1D", timezone: "America/Chicago" }, { partitionKey: "2024-03-09", window: { start: at("2024-03-09T06:00:00Z"), end: at("2024-03-10T06:00:00Z") }, now: at("2024-03-12T00:00:00Z"), publishedAt: undefined });
    expect(chicago.deadline).toEqual(at("2024-03-11T05:00:00Z"));
    const spec = freshness({ partitionDeadline: deadline });
    expect(spec).toMatchObject({ name: "freshness", severity: "warn", freshness: { partitionDeadline: deadline } });
    // A sensor finds the policy on the normalized definition (defineCheck keeps only the standard fields).
    expect(freshnessPolicyOf(defineCheck({ asset: "shop/orders", ...spec }))).toEqual({ partitionDeadline: deadline });
    expect(freshnessPolicyOf(defineCheck({ asset: "shop/orders", ...notNull("id") }))).toBeUndefined();
  });

  it("takes name, blocking and severity overrides", () => {
    expect(notNull("id", { name: "id_present", blocking: true, severity: "warn" })).toMatchObject({ name: "id_present", blocking: true, severity: "warn" });
    expect(() => rowCount({})).toThrow(/min, max or both/);
    expect(() => reconciliation({ against: { asset: "a" }, measure: { checksum: ["id"] }, tolerance: 1 })).toThrow(/exact/);
  });
});

describe("cross-asset checks on published data (in-process materialize, local store)", () => {
  const months = monthlyPartitions({ start: "2024-01", end: "2025-01" });
  const rows = "SELECT i AS id, CASE WHEN i % 3 = 0 THEN 'rejected' ELSE 'accepted' END AS status, (i * 1.5)::DOUBLE AS amount FROM range(1, 31) t(i)";

  function definitions() {
    const raw = defineAsset({ key: "recon/raw", partitions: months, materialize: async () => rows });
    const accepted = defineAsset({ key: "recon/accepted", partitions: months, deps: ["recon/raw"], materialize: async () => "SELECT * FROM raw WHERE status = 'accepted'" });
    const rejected = defineAsset({ key: "recon/rejected", partitions: months, deps: ["recon/raw"], materialize: async () => "SELECT * FROM raw WHERE status = 'rejected'" });
    const rebuilt = defineAsset({
      key: "recon/rebuilt",
      partitions: months,
      deps: ["recon/accepted", "recon/rejected"],
      checks: [
        reconciliation({ against: [{ asset: "recon/accepted" }, { asset: "recon/rejected" }], measure: { sum: "amount" } }),
        rowsMatch({ against: { asset: "recon/raw" }, key: ["id"], columns: ["status", "amount"] }),
      ],
      async materialize(ctx) {
        // `changeOne` is the new implementation's bug: one row's amount differs.
        const amount = ctx.resources.changeOne === true ? "CASE WHEN id = 7 THEN amount + 1 ELSE amount END" : "amount";
        return `SELECT id, status, ${amount} AS amount FROM (SELECT * FROM accepted UNION ALL SELECT * FROM rejected)`;
      },
    });
    return defineDefinitions({ assets: [raw, accepted, rejected, rebuilt] });
  }

  it("passes when the rebuilt asset equals its sources and fails both checks on a single changed row", async () => {
    const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: join(dir, "home"), MATERIA_STORAGE_URL: `file://${join(dir, "lake")}`, MATERIA_LOG_LEVEL: "warn" } });
    const env = createExecutionEnvironment(config, createLogger({ level: "silent", format: "json" }));
    const good = await materialize(definitions(), { selection: "*", partitions: ["2024-05"], env });
    expect(good.steps.map((s) => s.status)).toEqual(["published", "published", "published", "published"]);
    const passing = await env.catalog.readCheckResults("recon/rebuilt", "2024-05");
    expect(passing.map((r) => [r.check, r.passed])).toEqual([
      ["reconciles_with_accepted_rejected", true],
      ["rows_match_raw", true],
    ]);

    await materialize(definitions(), { selection: "key:recon/rebuilt", partitions: ["2024-05"], env: { ...env, resources: { changeOne: true } } });
    const failing = await env.catalog.readCheckResults("recon/rebuilt", "2024-05");
    expect(failing[0]).toMatchObject({ passed: false, measured: 698.5, threshold: "= 697.5" });
    expect(failing[1]).toMatchObject({ passed: false, failingCount: 1, failingSample: [{ id: 7, diff: "changed", amount__output: 11.5, amount__against: 10.5 }] });
  });
});
