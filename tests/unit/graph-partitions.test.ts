import { defineAsset, type AssetDepSpec, type AssetSpec } from "../../src/core/definitions/asset";
import { AssetGraphError } from "../../src/core/errors";
import { buildAssetGraph } from "../../src/core/graph";
import { identityMapping, timeWindowMapping } from "../../src/core/mappings";
import { dailyPartitions, dynamicPartitions, monthlyPartitions, multiPartitions, staticPartitions } from "../../src/core/partitions";

const materialize = async () => "select 1 as x";
const monthly = monthlyPartitions({ start: "2024-01", end: "2025-01" });
const daily = dailyPartitions({ start: "2024-01-01", end: "2025-01-01" });
const tickers = staticPartitions(["CL", "ES", "NQ"]);
const monthTicker = multiPartitions({ month: monthly, ticker: tickers });
const previous = () => timeWindowMapping({ startOffset: -1, endOffset: -1, allowNonexistentUpstream: true });

function asset(key: string, deps: Array<string | AssetDepSpec>, extra: Partial<AssetSpec> = {}) {
  return defineAsset({ key, deps, materialize, partitions: monthly, ...extra });
}

function buildError(build: () => unknown): AssetGraphError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(AssetGraphError);
    return error as AssetGraphError;
  }
  throw new Error("expected an AssetGraphError");
}

describe("buildAssetGraph: partition mappings", () => {
  it("records an explicit mapping and a default one", () => {
    const lookback = timeWindowMapping({ startOffset: -1, endOffset: 0 });
    const graph = buildAssetGraph([
      asset("bars", []),
      asset("labels", ["bars"]),
      asset("features", [{ asset: "bars", mapping: lookback }]),
    ]);
    expect(graph.node("features").deps[0]).toMatchObject({ asset: "bars", mapping: lookback, explicitMapping: true });
    expect(graph.node("labels").deps[0]).toMatchObject({ asset: "bars", explicitMapping: false });
  });

  it("accepts a default fan-in from daily to monthly", () => {
    const graph = buildAssetGraph([asset("daily_bars", [], { partitions: daily }), asset("monthly_bars", ["daily_bars"])]);
    expect(graph.parents("monthly_bars")).toEqual(["daily_bars"]);
  });

  it("asks for an explicit mapping when none is implied", () => {
    const error = buildError(() => buildAssetGraph([asset("bars", [], { partitions: tickers }), asset("labels", ["bars"])]));
    expect(error.message).toMatch(/^Asset "labels" depends on "bars" without a partition mapping, and none is implied: /);
    expect(error.hint).toContain('deps: [{ asset: "bars", mapping: ... }]');
  });

  it("names both assets and definitions when a mapping does not fit them", () => {
    const error = buildError(() =>
      buildAssetGraph([asset("bars", [], { partitions: tickers }), asset("labels", [{ asset: "bars", mapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }])]),
    );
    expect(error.message).toContain('from "bars" (');
    expect(error.message).toContain('to "labels" (');
    expect(error.message).toContain(tickers.id);
    expect(error.message).toContain(monthly.id);
  });

  it("rejects identity between different definitions", () => {
    const error = buildError(() =>
      buildAssetGraph([asset("days", [], { partitions: daily }), asset("months", [{ asset: "days", mapping: identityMapping() }])]),
    );
    expect(error.message).toMatch(/^Mapping identity.* from "days" .* to "months" .* is invalid: /);
  });
});

describe("buildAssetGraph: self-dependency", () => {
  it("allows reading the previous partition of itself, without making it a cycle", () => {
    const graph = buildAssetGraph([asset("bars", []), asset("running_total", ["bars", { asset: "running_total", mapping: previous(), as: "previous" }])]);
    const selfDep = graph.node("running_total").deps.find((dep) => dep.asset === "running_total");
    expect(selfDep).toMatchObject({ self: true, as: "previous", explicitMapping: true });
    expect(graph.parents("running_total")).toEqual(["bars"]);
    expect(graph.children("running_total")).toEqual([]);
    expect(graph.topologicalOrder()).toEqual(["bars", "running_total"]);
    expect(graph.step("running_total").upstreamSteps).toEqual(["bars"]);
  });

  it("rejects a self-dependency that reads the same partition", () => {
    const error = buildError(() =>
      buildAssetGraph([asset("total", [{ asset: "total", mapping: timeWindowMapping({ startOffset: -1, endOffset: 0 }), as: "previous" }])]),
    );
    expect(error.message).toContain('Asset "total" depends on itself');
    expect(error.message).toContain("partition 2024-01 would read 2024-01 of itself");
  });

  it("rejects a self-dependency that reads a later partition", () => {
    const error = buildError(() =>
      buildAssetGraph([asset("total", [{ asset: "total", mapping: timeWindowMapping({ startOffset: 1, endOffset: 1 }), as: "next" }])]),
    );
    expect(error.message).toContain("partition 2024-01 would read 2024-02 of itself");
  });

  it("rejects a default (identity) self-dependency", () => {
    const error = buildError(() => buildAssetGraph([asset("total", [{ asset: "total", as: "previous" }])]));
    expect(error.message).toContain("would read 2024-01 of itself");
  });

  it("allows a multi-partitioned asset reading its previous month, per ticker", () => {
    const graph = buildAssetGraph([asset("features", [{ asset: "features", mapping: previous(), as: "previous" }], { partitions: monthTicker })]);
    expect(graph.node("features").deps[0]?.self).toBe(true);
  });

  it("rejects a multi-partitioned self-dependency reading the same month", () => {
    const error = buildError(() =>
      buildAssetGraph([asset("features", [{ asset: "features", mapping: timeWindowMapping(), as: "same" }], { partitions: monthTicker })]),
    );
    expect(error.message).toContain("partition 2024-01|CL would read 2024-01|CL of itself");
  });

  it("checks a static self-dependency against the order of the values", () => {
    const error = buildError(() => buildAssetGraph([asset("s", [{ asset: "s", as: "same" }], { partitions: tickers })]));
    expect(error.message).toContain("partition CL would read CL of itself");
  });

  it("rejects a self-dependency of dynamic partitions, which have no order", () => {
    const error = buildError(() => buildAssetGraph([asset("d", [{ asset: "d", as: "same" }], { partitions: dynamicPartitions("files") })]));
    expect(error.message).toBe('Asset "d" depends on itself but is partitioned by dynamic("files"), whose partitions have no order to read earlier ones from.');
  });
});
