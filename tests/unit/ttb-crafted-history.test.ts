/**
 * A hand-written history pins the warehouse's outcome: a company renamed
 * (SCD2 versions), a COLA surrendered months later (current status and
 * change count), a refile, duplicates, and messy casing and dates.
 */
import { materialize, type ExecutionEnvironment } from "../../src/execution";
import { publishedRows, registryLine, tempEnvironment, ttbDefinitions } from "./ttb-harness";

const KY = "DSP-KY-10001";
const CA = "BWN-CA-20002";

function cola(overrides: Record<string, string>): string {
  return registryLine({
    ttb_id: "24005001000001",
    permit_no: KY,
    serial_number: "24S001",
    completed_date: "01/05/2024",
    fanciful_name: "SMALL BATCH",
    brand_name: "OAK RIVER",
    origin_code: "21",
    origin_desc: "KENTUCKY",
    class_type_code: "101",
    class_type_desc: "STRAIGHT BOURBON WHISKY",
    status: "APPROVED",
    application_type: "LABEL APPROVAL",
    company_name: "OLD OAK DISTILLERY LLC",
    company_address: "1 MAIN ST, BARDSTOWN, KY 40004",
    alcohol_content: "45.0%",
    net_contents: "750 ML",
    ...overrides,
  });
}

const SURRENDERED_LATER = cola({});
const SECOND_SKU = cola({ ttb_id: "24005001000002", fanciful_name: "SINGLE BARREL", serial_number: "24S002" });
const RENAMED_REFILE = cola({
  ttb_id: "24041001000001",
  completed_date: "2024-02-10",
  company_name: "  old oak   spirits inc ",
  application_type: "resubmission after rejection",
});
const NEW_WINERY = cola({
  ttb_id: "24041002000002",
  permit_no: CA,
  completed_date: "02/10/2024",
  brand_name: "Coastal Harvest",
  fanciful_name: "",
  origin_code: "06",
  origin_desc: "CALIFORNIA",
  class_type_code: "801",
  class_type_desc: "TABLE RED WINE",
  company_name: "SUNNY HILL CELLARS",
  company_address: "9 VINE RD, NAPA, CA 94558",
  vintage: "2022",
  appellation: "NAPA VALLEY",
});

const FILES: Record<string, string[]> = {
  "landing/ttb/2024-01-05.jsonl": [SURRENDERED_LATER, SECOND_SKU],
  // re-delivered the next day: a duplicate across days
  "landing/ttb/2024-01-06.jsonl": [SURRENDERED_LATER],
  "landing/ttb/2024-02-10.jsonl": [RENAMED_REFILE, NEW_WINERY, NEW_WINERY],
  "landing/ttb/2024-03-15.jsonl": [cola({ status: "surrendered" })],
};

describe("the TTB warehouse on a crafted history", () => {
  let env: ExecutionEnvironment;

  beforeAll(async () => {
    env = tempEnvironment();
    for (const [key, lines] of Object.entries(FILES)) await env.store.putBytes(key, `${lines.join("\n")}\n`);
    const run = await materialize(ttbDefinitions(), { selection: "group:ttb", partitions: ["2024-01", "2024-02", "2024-03"], env });
    expect(run.steps.filter((step) => step.status !== "published").map((step) => [step.step, step.partition, step.status, step.error])).toEqual([]);
  });

  it("keeps raw lines with file and line number, and reconciles raw = processed + rejected", async () => {
    const raw = await publishedRows<{ source_file: string; line_number: number }>(env, "ttb/raw_colas", "2024-01", "source_file, line_number");
    expect(raw.map((row) => [row.source_file, row.line_number])).toEqual([
      ["landing/ttb/2024-01-05.jsonl", 1],
      ["landing/ttb/2024-01-05.jsonl", 2],
      ["landing/ttb/2024-01-06.jsonl", 1],
    ]);
    const manifest = await env.catalog.readManifest("ttb/processed_colas", "2024-02");
    expect(manifest?.rowCount).toBe(3);
    expect(manifest?.checks.find((check) => check.check === "raw_equals_processed_plus_rejected")).toMatchObject({ passed: true });
  });

  it("versions a renamed company as SCD2 rows with valid_from, valid_to and is_current", async () => {
    const versions = await publishedRows<Record<string, unknown>>(env, "ttb/dim_company", null, "permit_no, version_number");
    const ky = versions.filter((row) => row.permit_no === KY);
    expect(ky.map((row) => [row.company_name, row.valid_from, row.valid_to, row.is_current])).toEqual([
      ["OLD OAK DISTILLERY LLC", new Date("2024-01-05T00:00:00Z"), new Date("2024-02-10T00:00:00Z"), false],
      ["OLD OAK SPIRITS INC", new Date("2024-02-10T00:00:00Z"), null, true],
    ]);
    expect(versions.filter((row) => row.permit_no === CA)).toHaveLength(1);
  });

  it("consolidates one row per TTB ID with the current status, change count, signal and refile flag", async () => {
    const colas = await publishedRows<Record<string, unknown>>(env, "ttb/consolidated_colas", null, "ttb_id");
    const byId = Object.fromEntries(colas.map((row) => [row.ttb_id as string, row]));
    expect(colas).toHaveLength(4);
    expect(byId["24005001000001"]).toMatchObject({
      current_status: "SURRENDERED",
      status_change_count: 1n,
      first_seen_date: new Date("2024-01-05T00:00:00Z"),
      last_seen_date: new Date("2024-03-15T00:00:00Z"),
      observation_count: 3n,
      signal: "NEW_COMPANY",
      is_refile: false,
    });
    expect(byId["24005001000002"]).toMatchObject({ current_status: "APPROVED", status_change_count: 0n, signal: "NEW_SKU", is_refile: false });
    expect(byId["24041001000001"]).toMatchObject({ signal: "REFILE", is_refile: true, application_type: "RESUBMISSION_AFTER_REJECTION", company_name: "OLD OAK SPIRITS INC" });
    expect(byId["24041002000002"]).toMatchObject({ signal: "NEW_COMPANY", brand_name: "COASTAL HARVEST", fanciful_name: null, vintage: 2022 });
  });

  it("points each fact at the company version valid on its completed date", async () => {
    const versions = await publishedRows<{ company_key: bigint; permit_no: string; version_number: number }>(env, "ttb/dim_company", null, "permit_no, version_number");
    const keyOf = (version: number) => versions.find((row) => row.permit_no === KY && row.version_number === version)?.company_key;
    const january = await publishedRows<Record<string, unknown>>(env, "ttb/fact_label_approvals", "2024-01", "ttb_id");
    const february = await publishedRows<Record<string, unknown>>(env, "ttb/fact_label_approvals", "2024-02", "ttb_id");
    expect(january.map((row) => [row.ttb_id, row.company_key, row.current_status])).toEqual([
      ["24005001000001", keyOf(1), "SURRENDERED"],
      ["24005001000002", keyOf(1), "APPROVED"],
    ]);
    expect(february.find((row) => row.ttb_id === "24041001000001")?.company_key).toBe(keyOf(2));
    expect(await env.catalog.readManifest("ttb/fact_label_approvals", "2024-03")).toMatchObject({ rowCount: 0 });
    const summary = await publishedRows<Record<string, unknown>>(env, "ttb/fact_monthly_summary", "2024-02", "family, signal");
    expect(summary.map((row) => [row.family, row.origin_type, row.application_type, row.signal, row.cola_count])).toEqual([
      ["WHISKY", "DOMESTIC", "RESUBMISSION_AFTER_REJECTION", "REFILE", 1n],
      ["WINE", "DOMESTIC", "LABEL_APPROVAL", "NEW_COMPANY", 1n],
    ]);
  });
});
