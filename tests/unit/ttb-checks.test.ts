/**
 * The pipeline checks catch injected defects: a duplicate TTB ID, a dangling
 * fact key, an overlapping SCD2 interval, two current rows of a company, an
 * unknown status. Each check runs on a crafted `output` the way the step
 * runner runs it on staged data.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ttbChecks } from "../../src/checks/ttb";
import { runChecks } from "../../src/execution";
import { DuckDbSession } from "../../src/resources/duckdb";

let db: DuckDbSession;

beforeEach(async () => {
  db = await DuckDbSession.open({ memoryLimit: "512MB", tempDir: mkdtempSync(join(tmpdir(), "materia-ttb-checks-")) });
});

afterEach(async () => {
  await db.close();
});

/** Run the asset's checks over `output` (a SELECT); returns pass/fail by check name. */
async function checkOutcomes(asset: string, output: string): Promise<Record<string, boolean>> {
  await db.run(`CREATE OR REPLACE TABLE output AS ${output}`);
  const results = await runChecks(
    ttbChecks.filter((check) => check.asset === asset),
    {
      db,
      asset,
      partition: null,
      timeWindow: undefined,
      runId: "test",
      schema: await db.describe("SELECT * FROM output"),
      previousSchema: undefined,
      viewOf: () => Promise.reject(new Error("not used")),
    },
  );
  return Object.fromEntries(results.map((result) => [result.check, result.passed]));
}

const COMPANY_ROWS = `
  SELECT * FROM (VALUES
    (1, 'DSP-KY-1', 1, 'OLD OAK', DATE '2024-01-05', DATE '2024-02-10', false),
    (2, 'DSP-KY-1', 2, 'OLD OAK SPIRITS', DATE '2024-02-10', NULL, true),
    (3, 'BWN-CA-2', 1, 'SUNNY HILL', DATE '2024-02-10', NULL, true)
  ) AS company(company_key, permit_no, version_number, company_name, valid_from, valid_to, is_current)`;

describe("dim_company checks", () => {
  it("pass on proper SCD2 versions", async () => {
    expect(await checkOutcomes("ttb/dim_company", COMPANY_ROWS)).toEqual({
      scd2_intervals_do_not_overlap: true,
      one_current_row_per_company: true,
      unique_company_key: true,
    });
  });

  it("catch an overlapping interval and two current rows", async () => {
    const overlapping = COMPANY_ROWS.replace("DATE '2024-01-05', DATE '2024-02-10', false", "DATE '2024-01-05', DATE '2024-03-01', false");
    expect(await checkOutcomes("ttb/dim_company", overlapping)).toMatchObject({ scd2_intervals_do_not_overlap: false, one_current_row_per_company: true });
    const twoCurrent = COMPANY_ROWS.replace("DATE '2024-02-10', false", "NULL, true");
    expect(await checkOutcomes("ttb/dim_company", twoCurrent)).toMatchObject({ scd2_intervals_do_not_overlap: false, one_current_row_per_company: false });
  });
});

describe("consolidated checks", () => {
  const colas = (ids: string[], status = "APPROVED") =>
    `SELECT ttb_id, ${db.literal(status)} AS current_status FROM (VALUES ${ids.map((id) => `(${db.literal(id)})`).join(", ")}) AS t(ttb_id)`;

  it("catch a duplicate TTB ID", async () => {
    expect(await checkOutcomes("ttb/consolidated_colas", colas(["24005001000001", "24005001000002"]))).toMatchObject({ unique_ttb_id: true });
    expect(await checkOutcomes("ttb/consolidated_colas", colas(["24005001000001", "24005001000001"]))).toMatchObject({ unique_ttb_id: false });
  });

  it("catch a status outside the accepted values", async () => {
    expect(await checkOutcomes("ttb/consolidated_colas", colas(["24005001000001"], "PENDING"))).toMatchObject({ accepted_values_current_status: false });
  });
});

describe("fact referential integrity", () => {
  beforeEach(async () => {
    await db.run(`CREATE TABLE dim_company AS ${COMPANY_ROWS}`);
    await db.run("CREATE TABLE dim_brand AS SELECT 10 AS brand_key");
    await db.run("CREATE TABLE dim_product_class AS SELECT 20 AS product_class_key");
    await db.run("CREATE TABLE dim_origin AS SELECT 30 AS origin_key");
    await db.run("CREATE TABLE dim_date AS SELECT 20240105 AS date_key");
  });

  const fact = (companyKey: string) =>
    `SELECT '24005001000001' AS ttb_id, ${companyKey} AS company_key, 10 AS brand_key, 20 AS product_class_key, 30 AS origin_key, 20240105 AS date_key`;

  it("passes when every key resolves", async () => {
    expect(Object.values(await checkOutcomes("ttb/fact_label_approvals", fact("1"))).every(Boolean)).toBe(true);
  });

  it("catches a dangling company key and a missing one", async () => {
    expect(await checkOutcomes("ttb/fact_label_approvals", fact("99"))).toMatchObject({ company_key_exists_in_dim_company: false, brand_key_exists_in_dim_brand: true });
    expect(await checkOutcomes("ttb/fact_label_approvals", fact("NULL"))).toMatchObject({ company_key_exists_in_dim_company: false });
  });
});
