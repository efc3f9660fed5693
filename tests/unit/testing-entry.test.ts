/** `materia/testing` works as a user's tests use it: imported by package name, in-process, temporary lake. */
import { existsSync } from "node:fs";
import * as materia from "materia";
import { defineAsset, defineDefinitions, defineGenerator, monthlyPartitions, unique, defineResource } from "materia";
import { materialize, runCheck, runGenerator, temporaryLake } from "materia/testing";

const months = monthlyPartitions({ start: "2025-01" });
const greeting = defineResource({ name: "greeting", setup: () => "hello" });
const definitions = defineDefinitions({
  assets: [
    defineAsset({ key: "shop/orders", partitions: months, checks: [unique("id", { blocking: true })], materialize: async () => "SELECT range AS id, 'x' AS kind FROM range(3)" }),
    defineAsset({ key: "shop/greetings", materialize: async (ctx) => `SELECT '${greeting.from(ctx)}' AS word` }),
  ],
  resources: [greeting],
});

describe("materia/testing", () => {
  it("materializes into a temporary lake and reads what was published; resources can be swapped for fakes", async () => {
    const lake = temporaryLake();
    try {
      const run = await materialize(definitions, { selection: "key:shop/orders", partition: "2025-01", lake });
      expect(run.status).toBe("succeeded");
      expect(run.steps).toEqual([{ step: "shop/orders", partition: "2025-01", status: "published", rows: { "shop/orders": 3 }, failedChecks: [] }]);
      expect((await lake.rows<{ id: bigint }>("shop/orders", "2025-01")).map((r) => Number(r.id))).toEqual([0, 1, 2]);
      const faked = await materialize(definitions, { selection: "key:shop/greetings", lake, resources: { greeting: "hi from a fake" } });
      expect(faked.status).toBe("succeeded");
      expect(await lake.rows("shop/greetings")).toEqual([{ word: "hi from a fake" }]);
    } finally {
      lake.remove();
    }
  });

  it("runs one check on rows of the test's choosing", async () => {
    expect(await runCheck(unique("id"), "SELECT * FROM (VALUES (1), (2)) t(id)")).toMatchObject({ passed: true });
    expect(await runCheck(unique("id"), "SELECT * FROM (VALUES (1), (1)) t(id)")).toMatchObject({ passed: false, failingCount: 1 });
  });

  it("runs a generator as `materia generate` does: its partitions, flags, a DuckDB session and a scratch folder of its own", async () => {
    let scratch = "";
    const orders = defineGenerator({
      name: "orders",
      partitions: months,
      flags: { big: "ten times the rows" },
      async generate(ctx) {
        scratch = ctx.scratchDir;
        for (const [i, month] of ctx.partitions.entries()) {
          const [row] = await ctx.sql.all<{ csv: string }>(`SELECT string_agg(range::VARCHAR, chr(10)) AS csv FROM range(${ctx.flags.big ? 30 : 3})`);
          await ctx.store.putBytes(`landing/orders/${month}.csv`, `id\n${row!.csv}\n`);
          ctx.progress(i + 1, ctx.partitions.length, month);
        }
        return { files: ctx.partitions.length };
      },
    });
    const progress: string[] = [];
    const result = await runGenerator(orders, { from: "2025-01", to: "2025-02", flags: ["big"], progress: (done, total, label) => progress.push(`${label} ${done}/${total}`) });
    try {
      expect(result).toMatchObject({ files: 2, partitions: ["2025-01", "2025-02"] });
      expect(progress).toEqual(["2025-01 1/2", "2025-02 2/2"]);
      expect(scratch).not.toBe("");
      expect(existsSync(scratch)).toBe(false);
      await expect(runGenerator(orders, { from: "2025-01", to: "2025-01", flags: ["huge"], lake: result.lake! })).rejects.toThrow('Generator "orders" has no flag "huge".');
    } finally {
      result.lake?.remove();
    }
  });
});

describe("materia", () => {
  it("exports the authoring API and none of the framework's internals", () => {
    for (const name of ["defineAsset", "defineMultiAsset", "defineSourceAsset", "defineCheck", "defineJob", "defineSchedule", "defineSensor", "defineDefinitions", "defineResource", "defineGenerator", "timeWindowMapping", "monthlyPartitions", "rejectRate", "landingSensor", "NonRetryableError", "onCron", "onMissing", "onUpstreamUpdated", "anyOf"]) {
      expect(materia).toHaveProperty(name);
    }
    for (const name of ["buildPlan", "stepInstanceId", "StalenessResolver", "ATTRIBUTES", "didYouMean", "normalizeCheck", "shortHash", "defaultMapping", "evaluateFreshness", "ReadySet", "planAssetPartitions", "evaluateAutomation", "restrictPlan"]) {
      expect(materia).not.toHaveProperty(name);
    }
  });
});
