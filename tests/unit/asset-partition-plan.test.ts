import {
  allMapping,
  buildPlan,
  dailyPartitions,
  defineAsset,
  defineDefinitions,
  groupPartitionRuns,
  monthlyPartitions,
  planAssetPartitions,
  planNode,
  progressGrid,
  ReadySet,
  timeWindowMapping,
  type NodeDataStatus,
  type PlanStep,
} from "../../src/core";

const months = monthlyPartitions({ start: "2024-01", end: "2026-01" });
const noop = async () => "SELECT 1";

/** TTB-shaped: monthly raw → processed, one consolidated table over all months, a dimension, monthly facts reading it. */
const warehouse = defineDefinitions({
  assets: [
    defineAsset({ key: "w/raw", partitions: months, materialize: noop }),
    defineAsset({ key: "w/processed", partitions: months, deps: ["w/raw"], materialize: noop }),
    defineAsset({ key: "w/consolidated", deps: [{ asset: "w/processed", mapping: allMapping() }], materialize: noop }),
    defineAsset({ key: "w/dim", deps: ["w/consolidated"], materialize: noop }),
    defineAsset({ key: "w/facts", partitions: months, deps: ["w/processed", "w/dim"], materialize: noop }),
  ],
});

/** Market-shaped: labels of m read bars of m and m+1; features read the previous month too. */
const market = defineDefinitions({
  assets: [
    defineAsset({ key: "m/bars", partitions: months, materialize: noop }),
    defineAsset({ key: "m/features", partitions: months, deps: [{ asset: "m/bars", mapping: timeWindowMapping({ startOffset: -1, allowNonexistentUpstream: true }) }], materialize: noop }),
    defineAsset({ key: "m/labels", partitions: months, deps: [{ asset: "m/bars", mapping: timeWindowMapping({ endOffset: 1, allowNonexistentUpstream: true }) }], materialize: noop }),
  ],
});

function plan(definitions: typeof warehouse, assets: string[], partitions: string[], options: { skip?: "none" | "existing" | "fresh"; status?: (s: PlanStep) => NodeDataStatus } = {}) {
  const executionPlan = buildPlan(definitions.graph, { assets, partitions });
  return planAssetPartitions({ plan: executionPlan, partitions, skip: options.skip ?? "none", ...(options.status ? { statusOf: options.status } : {}), missingInputs: [] });
}

/** Run a plan to its end in order; returns node ids in the order they ran. */
function execute(p: ReturnType<typeof plan>): string[] {
  const set = new ReadySet(p.deps, p.initial);
  const ran: string[] = [];
  for (let node = set.take(); node !== undefined; node = set.take()) {
    ran.push(planNode(p, node).id);
    set.complete(node, "done");
  }
  return ran;
}

describe("a backfill's plan over asset partitions", () => {
  it("builds a fan-in table and its dimension once, after every month it reads, and each month's facts after them", () => {
    const keys = months.keysInRange("2024-01", "2025-12");
    const p = plan(warehouse, ["w/raw", "w/processed", "w/consolidated", "w/dim", "w/facts"], keys);
    expect(p.nodeStep.length).toBe(24 * 3 + 2);
    const ran = execute(p);
    expect(ran.filter((id) => id === "w/consolidated")).toHaveLength(1);
    expect(ran.filter((id) => id === "w/dim")).toHaveLength(1);
    const at = (id: string) => ran.indexOf(id);
    for (const key of keys) {
      expect(at(`w/processed[${key}]`)).toBeLessThan(at("w/consolidated"));
      expect(at(`w/facts[${key}]`)).toBeGreaterThan(at("w/dim"));
    }
  });

  it("makes look-ahead and look-back just edges: labels of m after bars of m+1, features after bars of m-1", () => {
    const keys = ["2025-01", "2025-02", "2025-03"];
    const p = plan(market, ["m/bars", "m/features", "m/labels"], keys);
    const ran = execute(p);
    expect(ran).toHaveLength(9); // nothing runs twice: no re-run of the window's last month
    expect(ran.indexOf("m/labels[2025-01]")).toBeGreaterThan(ran.indexOf("m/bars[2025-02]"));
    expect(ran.indexOf("m/features[2025-02]")).toBeGreaterThan(ran.indexOf("m/bars[2025-01]"));
  });

  it("keeps a node only when its data satisfies the rule and nothing it reads will run", () => {
    const keys = ["2025-01", "2025-02"];
    // Everything fresh except processed 2025-02: it, the fan-in above it, the dimension and every month's facts re-run.
    const status = (s: PlanStep): NodeDataStatus => (s.step === "w/processed" && s.partition === "2025-02" ? "stale" : "fresh");
    const p = plan(warehouse, ["w/raw", "w/processed", "w/consolidated", "w/dim", "w/facts"], keys, { skip: "fresh", status });
    const ran = execute(p);
    expect(ran).toEqual(["w/processed[2025-02]", "w/consolidated", "w/dim", "w/facts[2025-01]", "w/facts[2025-02]"]);
    const grid = progressGrid(p, p.initial);
    expect(grid.rows.find((r) => r.step === "w/raw")!.states).toBe("kk");
    expect(grid.rows.find((r) => r.step === "w/processed")!.states).toBe("kp");
    expect(grid.rows.find((r) => r.step === "w/consolidated")).toMatchObject({ partitioned: false, states: "p" });
  });

  it("marks nodes reading a missing upstream outside the plan as waiting, naming it, and skips only their descendants", () => {
    const keys = ["2025-01", "2025-02"];
    const executionPlan = buildPlan(warehouse.graph, { assets: ["w/processed", "w/facts"], partitions: keys });
    const missing = executionPlan.externalInputs.filter((e) => e.asset === "w/raw" && e.partition === "2025-02");
    const p = planAssetPartitions({ plan: executionPlan, partitions: keys, skip: "none", missingInputs: missing });
    const waitingNode = Object.keys(p.waitingOn).map(Number);
    expect(waitingNode.map((n) => planNode(p, n).id)).toEqual(["w/processed[2025-02]"]);
    expect(p.waitingOn[waitingNode[0]!]).toEqual(["w/raw[2025-02]"]);
    const set = new ReadySet(p.deps, p.initial);
    expect(set.counts()).toMatchObject({ waiting: 1, skipped: 1 }); // facts[2025-02] reads processed[2025-02]
    const ran = execute(p);
    expect(ran).toEqual(["w/processed[2025-01]", "w/facts[2025-01]"]);
  });

  it("plans a 10,000-partition daily asset with a self-dependency as a compact, ordered payload", () => {
    // A fixed end: the plan never depends on today's date.
    const days = dailyPartitions({ start: "1990-01-01", end: "2020-01-01" });
    const keys = days.keysInRange("1990-01-01", "2019-12-31");
    expect(keys.length).toBeGreaterThanOrEqual(10_000);
    const daily = defineDefinitions({
      assets: [
        defineAsset({ key: "d/events", partitions: days, materialize: noop }),
        defineAsset({ key: "d/balance", partitions: days, deps: ["d/events", { asset: "d/balance", as: "previous", mapping: timeWindowMapping({ startOffset: -1, endOffset: -1, allowNonexistentUpstream: true }) }], materialize: noop }),
      ],
    });
    const p = plan(daily, ["d/events", "d/balance"], keys);
    expect(p.nodeStep.length).toBe(2 * keys.length);
    expect(JSON.stringify(p).length).toBeLessThan(1_000_000); // a workflow argument stays well under Temporal's 2 MB payload limit
    const ran = execute(p);
    expect(ran).toHaveLength(2 * keys.length);
    expect(ran.indexOf(`d/balance[${keys[1]}]`)).toBeGreaterThan(ran.indexOf(`d/balance[${keys[0]}]`));
  });
});

describe("the backfill policy: consecutive partitions in one step", () => {
  const grouped = defineDefinitions({
    assets: [
      defineAsset({ key: "g/raw", partitions: months, materialize: noop }),
      defineAsset({ key: "g/wide", partitions: months, deps: ["g/raw"], backfill: { maxPartitionsPerRun: 4, partitionColumn: "month" }, materialize: noop }),
      defineAsset({ key: "g/labels", partitions: months, deps: [{ asset: "g/wide", mapping: timeWindowMapping({ endOffset: 1, allowNonexistentUpstream: true }) }], materialize: noop }),
    ],
  });

  it("groups a range into runs of at most n consecutive partitions, with the edges of every member", () => {
    const keys = months.keysInRange("2025-01", "2025-10");
    const executionPlan = groupPartitionRuns(buildPlan(grouped.graph, { assets: ["g/raw", "g/wide", "g/labels"], partitions: keys }), grouped.graph, keys);
    const wide = executionPlan.steps.filter((s) => s.step === "g/wide");
    expect(wide.map((s) => s.id)).toEqual(["g/wide[2025-01..2025-04]", "g/wide[2025-05..2025-08]", "g/wide[2025-09..2025-10]"]);
    expect(wide[0]!.dependsOn).toEqual(["g/raw[2025-01]", "g/raw[2025-02]", "g/raw[2025-03]", "g/raw[2025-04]"]);
    // labels of April read wide of April and May: two groups.
    expect(executionPlan.steps.find((s) => s.id === "g/labels[2025-04]")!.dependsOn).toEqual(["g/wide[2025-01..2025-04]", "g/wide[2025-05..2025-08]"]);
    const p = planAssetPartitions({ plan: executionPlan, partitions: keys, skip: "none", missingInputs: [] });
    const ran = execute(p);
    expect(ran.filter((id) => id.startsWith("g/wide"))).toHaveLength(3);
    expect(ran.indexOf("g/labels[2025-04]")).toBeGreaterThan(ran.indexOf("g/wide[2025-05..2025-08]"));
    expect(progressGrid(p, p.initial).rows.find((r) => r.step === "g/wide")!.states).toBe("pppppppppp");
  });

  it("refuses a policy it cannot honour, at load time", () => {
    expect(() => defineAsset({ key: "g/x", backfill: { maxPartitionsPerRun: 4, partitionColumn: "month" }, materialize: noop })).toThrow(/unpartitioned/);
    expect(() => defineAsset({ key: "g/x", partitions: months, backfill: { maxPartitionsPerRun: 0, partitionColumn: "month" }, materialize: noop })).toThrow(/integer from 1 to 1000/);
    expect(() => defineAsset({ key: "g/x", partitions: months, backfill: { maxPartitionsPerRun: 4, partitionColumn: "" }, materialize: noop })).toThrow(/partitionColumn/);
    expect(() =>
      defineAsset({ key: "g/x", partitions: months, deps: [{ asset: "g/x", as: "previous", mapping: timeWindowMapping({ startOffset: -1, endOffset: -1, allowNonexistentUpstream: true }) }], backfill: { maxPartitionsPerRun: 4, partitionColumn: "month" }, materialize: noop }),
    ).toThrow(/reads its own earlier partitions/);
  });
});
