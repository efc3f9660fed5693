import {
  anyOf,
  DefinitionError,
  defineAsset,
  defineDefinitions,
  evaluateAutomation,
  monthlyPartitions,
  onCron,
  onMissing,
  onUpstreamUpdated,
  type AutomationFacts,
  type PartitionStatus,
} from "../../src/core";

// A fixed end: the window never depends on today's date.
const months = monthlyPartitions({ start: "2020-01", end: "2022-01" });
const keys = months.keys();
const noop = async () => "SELECT 1";

const definitions = defineDefinitions({
  assets: [
    defineAsset({ key: "a/raw", partitions: months, automation: onMissing({ latest: 3 }), materialize: noop }),
    defineAsset({ key: "a/clean", partitions: months, deps: ["a/raw"], automation: anyOf(onMissing({ latest: 2 }), onUpstreamUpdated({ latest: 2 })), materialize: noop }),
    defineAsset({ key: "a/report", deps: ["a/clean"], automation: onCron("0 3 * * *"), materialize: noop }),
    defineAsset({ key: "a/manual", partitions: months, materialize: noop }),
  ],
});

/** Facts over an in-memory lake: `published` asset partitions, `updated` ones whose upstream got a new version. */
function facts(options: { published?: string[]; updated?: Record<string, string>; cronTicked?: boolean }): AutomationFacts {
  const published = new Set(options.published ?? []);
  const id = (asset: string, partition: string | null) => (partition === null ? asset : `${asset}[${partition}]`);
  return {
    window: (asset, latest) => (definitions.graph.node(asset).partitions ? keys.slice(-latest).reverse() : [null]),
    status: (asset, partition): PartitionStatus => {
      if (!published.has(id(asset, partition))) return { status: "missing" };
      const upstream = options.updated?.[id(asset, partition)];
      return upstream ? { status: "stale", dataVersion: "v1", causes: [{ kind: "upstream-changed", asset: upstream, partition }] } : { status: "fresh", dataVersion: "v1" };
    },
    upstreamPresent: (asset, partition) => definitions.graph.node(asset).deps.every((dep) => published.has(id(dep.asset, definitions.graph.node(dep.asset).partitions ? partition : null))),
    cronTicked: () => options.cronTicked ?? false,
  };
}

describe("declarative automation", () => {
  it("a first tick asks only for the window, never the history, and caps what it launches", () => {
    const tick = evaluateAutomation(definitions.graph, facts({}), 2);
    // 3 missing raw months in its window (of 24); clean waits for raw; the report's cron has not ticked.
    expect(tick.requested).toBe(3);
    expect(tick.requests.map((r) => `${r.asset}[${r.partition}]`)).toEqual(["a/raw[2021-12]", "a/raw[2021-11]"]);
    expect(tick.deferred.map((r) => r.partition)).toEqual(["2021-10"]);
    expect(tick.requests[0]!.reasons).toEqual(["missing"]);
  });

  it("onMissing follows its upstream as it appears; assets without a condition are never requested", () => {
    const tick = evaluateAutomation(definitions.graph, facts({ published: ["a/raw[2021-12]", "a/raw[2021-11]", "a/raw[2021-10]", "a/manual[2021-12]"] }), 25);
    expect(tick.requests.map((r) => `${r.asset}[${r.partition}]`)).toEqual(["a/clean[2021-12]", "a/clean[2021-11]"]);
  });

  it("onUpstreamUpdated asks for a partition whose upstream got a new data version, naming it", () => {
    const published = ["a/raw[2021-12]", "a/raw[2021-11]", "a/raw[2021-10]", "a/clean[2021-12]", "a/clean[2021-11]"];
    const tick = evaluateAutomation(definitions.graph, facts({ published, updated: { "a/clean[2021-11]": "a/raw" } }), 25);
    expect(tick.requests).toEqual([{ asset: "a/clean", partition: "2021-11", reasons: ["upstream a/raw[2021-11] updated"] }]);
  });

  it("onCron asks for the unpartitioned asset when its cron ticked and its upstream is present", () => {
    const published = ["a/raw[2021-12]", "a/raw[2021-11]", "a/raw[2021-10]", "a/clean[2021-12]", "a/clean[2021-11]"];
    expect(evaluateAutomation(definitions.graph, facts({ published }), 25).requests).toEqual([]);
    expect(evaluateAutomation(definitions.graph, facts({ published: [...published, "a/clean[2021-10]"], cronTicked: true }), 25).requests).toEqual([]);
    const report = definitions.graph.node("a/report");
    const present: AutomationFacts = { ...facts({ published, cronTicked: true }), upstreamPresent: (asset) => asset === report.key };
    expect(evaluateAutomation(definitions.graph, present, 25).requests).toEqual([{ asset: "a/report", partition: null, reasons: ["cron 0 3 * * * ticked"] }]);
  });

  it("refuses a window on an unpartitioned asset, and a cron that is not 5 fields, at load time", () => {
    expect(() => defineAsset({ key: "a/total", automation: onMissing({ latest: 3 }), materialize: noop })).toThrow(DefinitionError);
    expect(() => defineAsset({ key: "a/total", automation: onMissing({ latest: 3 }), materialize: noop })).toThrow(/unpartitioned, but its automation condition declares a window/);
    expect(() => defineAsset({ key: "a/total", automation: onMissing(), materialize: noop })).not.toThrow();
    expect(() => onCron("0 3 * *")).toThrow(/5-field cron/);
    expect(() => onMissing({ latest: 0 })).toThrow(/latest must be an integer/);
  });
});
