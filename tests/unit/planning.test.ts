import { buildPlan, defineAsset, defineDefinitions, monthlyPartitions, PartitionKeyError, PlanningError, StalenessResolver, timeWindowMapping } from "../../src/core";

const months = monthlyPartitions({ start: "2024-01", end: "2026-01" });
const noop = async () => "SELECT 1";
const definitions = defineDefinitions({
  assets: [
    defineAsset({ key: "m/raw", partitions: months, materialize: noop }),
    defineAsset({ key: "m/clean", partitions: months, deps: ["m/raw"], materialize: noop }),
    // Reads its own previous month (a running balance).
    defineAsset({ key: "m/balance", partitions: months, deps: ["m/clean", { asset: "m/balance", as: "previous", mapping: timeWindowMapping({ startOffset: -1, endOffset: -1, allowNonexistentUpstream: true }) }], materialize: noop }),
    // Reads the next month too (lookahead).
    defineAsset({ key: "m/labels", partitions: months, deps: [{ asset: "m/clean", mapping: timeWindowMapping({ endOffset: 1, allowNonexistentUpstream: true }) }], materialize: noop }),
    defineAsset({ key: "m/total", deps: ["m/clean"], materialize: noop }),
  ],
});
const graph = definitions.graph;

describe("buildPlan", () => {
  it("orders steps by dependency, deterministically, with plain-JSON steps", () => {
    const plan = buildPlan(graph, { assets: ["m/raw", "m/clean", "m/total"], partitions: ["2024-02", "2024-01"] });
    expect(plan.steps.map((s) => s.id)).toEqual(["m/raw[2024-02]", "m/raw[2024-01]", "m/clean[2024-02]", "m/clean[2024-01]", "m/total"]);
    expect(plan.steps.find((s) => s.id === "m/total")?.dependsOn).toEqual(["m/clean[2024-01]", "m/clean[2024-02]"]);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(buildPlan(graph, { assets: ["m/total", "m/clean", "m/raw"], partitions: ["2024-02", "2024-01"] })).toEqual(plan);
  });

  it("lists dependencies outside the selection as external inputs, optional where the mapping allows", () => {
    const plan = buildPlan(graph, { assets: ["m/labels"], partitions: ["2024-05"] });
    expect(plan.externalInputs).toEqual([
      { asset: "m/clean", partition: "2024-05", optional: true, neededBy: ["m/labels[2024-05]"] },
      { asset: "m/clean", partition: "2024-06", optional: true, neededBy: ["m/labels[2024-05]"] },
    ]);
    const required = buildPlan(graph, { assets: ["m/clean"], partitions: ["2024-05"] });
    expect(required.externalInputs).toEqual([{ asset: "m/raw", partition: "2024-05", optional: false, neededBy: ["m/clean[2024-05]"] }]);
  });

  it("orders a self-dependency partition after partition, across a year boundary", () => {
    const plan = buildPlan(graph, { assets: ["m/balance"], partitions: ["2025-01", "2024-12", "2024-11"] });
    expect(plan.steps.map((s) => s.id)).toEqual(["m/balance[2024-11]", "m/balance[2024-12]", "m/balance[2025-01]"]);
    expect(plan.steps[2]?.dependsOn).toEqual(["m/balance[2024-12]"]);
    // The first partition's previous month does not exist: allowed, not an input.
    expect(buildPlan(graph, { assets: ["m/balance"], partitions: ["2024-01"] }).externalInputs.filter((i) => i.asset === "m/balance")).toEqual([]);
  });

  it("rejects bad partition keys with the expected format, and a partitioned selection without partitions", () => {
    expect(() => buildPlan(graph, { assets: ["m/raw"], partitions: ["2024-13"] })).toThrow(PartitionKeyError);
    expect(() => buildPlan(graph, { assets: ["m/raw"], partitions: ["2024-13"] })).toThrow(/YYYY-MM/);
    expect(() => buildPlan(graph, { assets: ["m/raw"], partitions: ["2030-01"] })).toThrow(PartitionKeyError);
    expect(() => buildPlan(graph, { assets: ["m/raw"], partitions: [] })).toThrow(PlanningError);
  });
});

describe("StalenessResolver", () => {
  const recorded = new Map<string, { dataVersion: string; codeVersion: string; upstream: Array<{ asset: string; partition: string | null; dataVersion: string }> }>([
    ["m/raw|2024-05", { dataVersion: "r5", codeVersion: "1", upstream: [] }],
    ["m/clean|2024-05", { dataVersion: "c5", codeVersion: "1", upstream: [{ asset: "m/raw", partition: "2024-05", dataVersion: "r5" }] }],
    ["m/labels|2024-05", { dataVersion: "l5", codeVersion: "1", upstream: [{ asset: "m/clean", partition: "2024-05", dataVersion: "c5" }] }],
  ]);
  const resolver = (extra: Record<string, { dataVersion: string; codeVersion: string; upstream: [] }> = {}) =>
    new StalenessResolver({ graph, recorded: (asset, partition) => extra[`${asset}|${partition}`] ?? recorded.get(`${asset}|${partition}`), observed: () => undefined });

  it("is fresh when nothing changed, missing without a manifest", () => {
    expect(resolver().status("m/labels", "2024-05")).toEqual({ status: "fresh", dataVersion: "l5" });
    expect(resolver().status("m/labels", "2024-06")).toEqual({ status: "missing" });
  });

  it("turns stale when the lookahead month arrives, and says why", () => {
    const status = resolver({ "m/clean|2024-06": { dataVersion: "c6", codeVersion: "1", upstream: [] } }).status("m/labels", "2024-05");
    expect(status).toEqual({ status: "stale", dataVersion: "l5", causes: [{ kind: "upstream-new", asset: "m/clean", partition: "2024-06" }] });
  });

  it("propagates an upstream change", () => {
    const status = resolver({ "m/raw|2024-05": { dataVersion: "r5-new", codeVersion: "1", upstream: [] } });
    expect(status.status("m/clean", "2024-05")).toMatchObject({ status: "stale", causes: [{ kind: "upstream-changed", asset: "m/raw" }] });
  });
});
