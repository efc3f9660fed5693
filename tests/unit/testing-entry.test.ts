/** `materia/testing` works as a user's tests use it: imported by package name, in-process, temporary lake. */
import { defineAsset, defineDefinitions, monthlyPartitions, unique, defineResource } from "materia";
import { materialize, runCheck, temporaryLake } from "materia/testing";

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
});
