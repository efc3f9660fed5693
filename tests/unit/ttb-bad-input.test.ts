/**
 * Bad deliveries: lines that are not JSON or carry unknown columns become
 * rejects with reasons; a month that is mostly garbage, or a day file with
 * no rows, fails clearly and the last good versions stay published; a
 * re-delivered file makes the month and everything built on it stale.
 */
import { TtbLandingError } from "../../src/assets/ttb";
import { assetStatuses, materialize, type ExecutionEnvironment } from "../../src/execution";
import { publishedRows, registryLine, tempEnvironment, ttbDefinitions } from "./ttb-harness";

const definitions = ttbDefinitions();
const MONTH = "2024-05";

function validLine(ttbId: string): string {
  return registryLine({
    ttb_id: ttbId,
    permit_no: "DSP-TN-30001",
    completed_date: "05/01/2024",
    brand_name: "HOLLOW CREEK",
    class_type_code: "101",
    status: "APPROVED",
    application_type: "LABEL APPROVAL",
    company_name: "HOLLOW CREEK DISTILLING CO",
    company_address: "5 MILL RD, LYNCHBURG, TN 37352",
  });
}

const GOOD_LINES = Array.from({ length: 40 }, (_, i) => validLine(`24122001${String(i + 1).padStart(6, "0")}`));

describe("bad registry deliveries", () => {
  let env: ExecutionEnvironment;

  beforeAll(async () => {
    env = tempEnvironment();
    await env.store.putBytes(`landing/ttb/${MONTH}-01.jsonl`, `${GOOD_LINES.join("\n")}\n`);
    const run = await materialize(definitions, { selection: "group:ttb", partitions: [MONTH], env });
    expect(run.status).not.toBe("failed");
  });

  it("rejects a line that is not JSON and one with an unknown column, with reasons and line numbers", async () => {
    const lines = [...GOOD_LINES, "<html>export failed</html>", validLine("24122001999999").replace("{", '{"colour":"amber",'), validLine("2412X001000099")];
    await env.store.putBytes(`landing/ttb/${MONTH}-01.jsonl`, `${lines.join("\n")}\n`);
    const run = await materialize(definitions, { selection: "key:ttb/raw_colas or key:ttb/rejects", partitions: [MONTH], env });
    expect(run.status).toBe("succeeded");
    const rejects = await publishedRows<{ line_number: number; reasons: string[]; unknown_columns: string[] | null }>(env, "ttb/rejects", MONTH, "line_number");
    expect(rejects.map((row) => [row.line_number, row.reasons])).toEqual([
      [41, ["invalid_json"]],
      [42, ["unknown_columns"]],
      [43, ["malformed_ttb_id"]],
    ]);
    expect(rejects[1]?.unknown_columns).toEqual(["colour"]);
    expect((await env.catalog.readManifest("ttb/processed_colas", MONTH))?.rowCount).toBe(40);
  });

  it("holds back a month that is mostly garbage and keeps the last good version", async () => {
    const before = await env.catalog.readManifest("ttb/processed_colas", MONTH);
    await env.store.putBytes(`landing/ttb/${MONTH}-02.jsonl`, Array.from({ length: 30 }, () => "ID|BRAND|STATUS").join("\n"));
    const run = await materialize(definitions, { selection: "key:ttb/raw_colas+", partitions: [MONTH], env });
    expect(run.status).toBe("failed");
    expect(run.steps.find((step) => step.step === "ttb/process_colas")?.status).toBe("blocked");
    const [shareCheck] = (await env.catalog.readCheckResults("ttb/processed_colas", MONTH)).filter((check) => check.check === "reject_share_within_limit");
    expect(shareCheck).toMatchObject({ passed: false, blocking: true });
    expect((await env.catalog.readManifest("ttb/processed_colas", MONTH))?.dataVersion).toBe(before?.dataVersion);
  });

  it("holds back a month with one garbage day file among many good ones (it would pass the month-level share)", async () => {
    const env = tempEnvironment(); // its own lake: the other tests share one month's state
    const month = "2024-07";
    const day = (d: number) => `landing/ttb/${month}-${String(d).padStart(2, "0")}.jsonl`;
    const goodDay = (d: number) => Array.from({ length: 40 }, (_, i) => validLine(`24${182 + d}001${String(i + 1).padStart(6, "0")}`).replace("05/01/2024", "07/01/2024"));
    for (let d = 1; d <= 25; d++) await env.store.putBytes(day(d), `${goodDay(d).join("\n")}\n`);
    const first = await materialize(definitions, { selection: "key:ttb/raw_colas+", partitions: [month], env });
    expect(first.steps.filter((step) => step.status !== "published").map((step) => `${step.step}: ${step.status} ${step.error?.message ?? ""}`)).toEqual([]);
    const before = await env.catalog.readManifest("ttb/processed_colas", month);
    expect(before?.rowCount).toBe(25 * 40);

    // Day 26 arrives as garbage: 40 of 1040 lines (3.8%) refused, under the month's 10% but all of that day.
    await env.store.putBytes(day(26), `${Array.from({ length: 40 }, () => "ID|BRAND|STATUS").join("\n")}\n`);
    const run = await materialize(definitions, { selection: "key:ttb/raw_colas+", partitions: [month], env });
    expect(run.status).toBe("failed");
    expect(run.steps.find((step) => step.step === "ttb/process_colas")?.status).toBe("blocked");
    const checks = await env.catalog.readCheckResults("ttb/processed_colas", month);
    expect(checks.find((check) => check.check === "reject_share_within_limit")).toMatchObject({ passed: true });
    expect(checks.find((check) => check.check === "no_day_file_mostly_rejected")).toMatchObject({ passed: false, blocking: true, failingSample: [expect.objectContaining({ source_file: day(26), rejected: 40 })] });
    expect((await env.catalog.readManifest("ttb/processed_colas", month))?.dataVersion).toBe(before?.dataVersion);
  });

  it("fails a day file with no rows with a typed error, publishing nothing", async () => {
    const before = await env.catalog.readManifest("ttb/raw_colas", MONTH);
    await env.store.putBytes(`landing/ttb/${MONTH}-02.jsonl`, "\n\n");
    const run = await materialize(definitions, { selection: "key:ttb/raw_colas", partitions: [MONTH], env });
    const raw = run.steps.find((step) => step.step === "ttb/raw_colas");
    expect(raw?.status).toBe("failed");
    expect(raw?.error).toMatchObject({ type: new TtbLandingError("").name, message: expect.stringContaining(`landing/ttb/${MONTH}-02.jsonl`) as unknown });
    expect((await env.catalog.readManifest("ttb/raw_colas", MONTH))?.dataVersion).toBe(before?.dataVersion);
  });

  it("marks the month, consolidated, dimensions and facts stale after a re-delivery", async () => {
    await env.store.delete(`landing/ttb/${MONTH}-02.jsonl`);
    await materialize(definitions, { selection: "group:ttb", partitions: [MONTH], env });
    const assets = ["ttb/raw_colas", "ttb/consolidated_colas", "ttb/dim_company", "ttb/fact_label_approvals"];
    const fresh = await assetStatuses(definitions, env, { assets, partitions: [MONTH] });
    expect(fresh.map((row) => row.status.status)).toEqual(["fresh", "fresh", "fresh", "fresh"]);

    await env.store.putBytes(`landing/ttb/${MONTH}-01.jsonl`, `${GOOD_LINES.slice(0, 30).join("\n")}\n`);
    const stale = await assetStatuses(definitions, env, { assets, partitions: [MONTH] });
    expect(stale.map((row) => row.status.status)).toEqual(["stale", "stale", "stale", "stale"]);
    expect(stale[0]?.status).toMatchObject({ causes: [{ kind: "upstream-changed", asset: "ttb/registry_extracts", partition: MONTH }] });
  });
});
