import { defineDefinitions } from "../../src/core";
import { marketAssets } from "../../src/assets/market";
import { marketChecks } from "../../src/checks/market";
import { marketJob, marketLandingSensor, marketSchedule } from "../../src/jobs/market";

function objects(files: Array<{ key: string; etag: string }>) {
  return {
    list: async (prefix: string) => files.filter((f) => f.key.startsWith(prefix)).map((f) => ({ ...f, size: 1 })),
    localPath: async (key: string) => key,
  };
}

const materializations = { listMaterializations: async () => [] };

describe("market job, schedule and landing sensor", () => {
  it("registers with the market assets and checks", () => {
    const definitions = defineDefinitions({ assets: marketAssets, checks: marketChecks, jobs: [marketJob], schedules: [marketSchedule], sensors: [marketLandingSensor] });
    expect(definitions.job("market_monthly").selection).toBe("group:market");
    expect(marketSchedule.cron).toBe("0 2 2 * *");
  });

  it("requests one run per new or changed vendor file, keyed by file and etag", async () => {
    const now = new Date("2025-11-02T02:00:00Z");
    const first = await marketLandingSensor.evaluate({
      cursor: undefined,
      now,
      materializations,
      objects: objects([
        { key: "landing/market/ohlcv-1m/2025-09.csv.zst", etag: "a" },
        { key: "landing/market/ohlcv-1m/2025-10.csv.zst", etag: "b" },
        { key: "landing/market/ohlcv-1m/notes.txt", etag: "c" },
      ]),
    });
    expect(first.runRequests.map((r) => [r.partitionKey, r.runKey])).toEqual([
      ["2025-09", "landing/market/ohlcv-1m/2025-09.csv.zst@a"],
      ["2025-10", "landing/market/ohlcv-1m/2025-10.csv.zst@b"],
    ]);
    const second = await marketLandingSensor.evaluate({
      cursor: first.cursor,
      now,
      materializations,
      objects: objects([
        { key: "landing/market/ohlcv-1m/2025-09.csv.zst", etag: "a" },
        { key: "landing/market/ohlcv-1m/2025-10.csv.zst", etag: "b2" },
      ]),
    });
    expect(second.runRequests).toEqual([expect.objectContaining({ partitionKey: "2025-10", runKey: "landing/market/ohlcv-1m/2025-10.csv.zst@b2" })]);
    const third = await marketLandingSensor.evaluate({ cursor: second.cursor, now, materializations, objects: objects([{ key: "landing/market/ohlcv-1m/2025-10.csv.zst", etag: "b2" }]) });
    expect(third.runRequests).toEqual([]);
  });
});
