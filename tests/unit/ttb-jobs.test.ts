/** The TTB job, schedule and landing sensor: registered together, and the sensor requests one run per changed month. */
import { evaluateTtbLanding, ttbLandingSensor, ttbMonthlySchedule } from "../../src/jobs/ttb";
import type { ObjectReader, SensorContext } from "../../src/core";
import { ttbDefinitions } from "./ttb-harness";

function landing(files: Array<[key: string, etag: string]>): ObjectReader {
  return {
    list: async (prefix) => files.filter(([key]) => key.startsWith(prefix)).map(([key, etag]) => ({ key, size: 100, etag })),
    localPath: () => Promise.reject(new Error("not read by the sensor")),
  };
}

function context(objects: ObjectReader, cursor: string | undefined): SensorContext {
  return { cursor, objects, materializations: { listMaterializations: async () => [] }, now: new Date("2024-06-02T00:00:00Z") };
}

describe("TTB triggers", () => {
  it("registers the monthly job, its schedule and the landing sensor", () => {
    const definitions = ttbDefinitions();
    expect(definitions.jobAssets("ttb_monthly")).toContain("ttb/fact_monthly_summary");
    expect(ttbMonthlySchedule.cron).toBe("0 4 2 * *");
    expect(definitions.sensors.get("ttb_landing")?.job).toBe("ttb_monthly");
  });

  it("requests one run per month with new files, then only for re-delivered ones", async () => {
    const first = await evaluateTtbLanding(
      context(
        landing([
          ["landing/ttb/2024-05-01.jsonl", "a"],
          ["landing/ttb/2024-05-02.jsonl", "b"],
          ["landing/ttb/2024-06-01.jsonl", "c"],
          ["landing/ttb/readme.txt", "d"],
        ]),
        undefined,
      ),
    );
    expect(first.runRequests.map((request) => request.partitionKey)).toEqual(["2024-05", "2024-06"]);
    expect(first.runRequests[1]?.runKey).toBe("landing/ttb/2024-06-01.jsonl@c");
    expect(new Set(first.runRequests.map((request) => request.runKey)).size).toBe(2);

    const unchanged = await evaluateTtbLanding(context(landing([["landing/ttb/2024-05-01.jsonl", "a"], ["landing/ttb/2024-05-02.jsonl", "b"], ["landing/ttb/2024-06-01.jsonl", "c"]]), first.cursor));
    expect(unchanged.runRequests).toEqual([]);
    expect(unchanged.skipReason).toBeDefined();

    const redelivered = await ttbLandingSensor.evaluate(
      context(landing([["landing/ttb/2024-05-01.jsonl", "a2"], ["landing/ttb/2024-05-02.jsonl", "b"], ["landing/ttb/2024-06-01.jsonl", "c"]]), unchanged.cursor),
    );
    expect(redelivered.runRequests).toEqual([expect.objectContaining({ partitionKey: "2024-05", runKey: "landing/ttb/2024-05-01.jsonl@a2" })]);
  });
});
