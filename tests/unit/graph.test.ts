import { defineAsset, defineMultiAsset, defineSourceAsset, type AnyAssetDefinition, type AssetDepSpec } from "../../src/core/definitions/asset";
import { defineCheck } from "../../src/core/definitions/check";
import { AssetGraphError, DefinitionError } from "../../src/core/errors";
import { buildAssetGraph } from "../../src/core/graph";

const materialize = async () => "select 1 as x";

function asset(key: string, deps: Array<string | AssetDepSpec> = [], extra: Partial<Parameters<typeof defineAsset>[0]> = {}) {
  return defineAsset({ key, deps, materialize, ...extra });
}

function source(key: string) {
  return defineSourceAsset({ key, observe: async () => ({ dataVersion: "v1" }) });
}

function multi(name: string, outputs: string[], deps: string[] = []) {
  return defineMultiAsset({ name, outputs: outputs.map((key) => ({ key })), deps, materialize: async () => ({ outputs: {} }) });
}

/** Build and return the error it throws, failing the test if it does not throw. */
function buildError(assets: AnyAssetDefinition[], checks: Parameters<typeof buildAssetGraph>[1] = []): AssetGraphError {
  try {
    buildAssetGraph(assets, checks);
  } catch (error) {
    expect(error).toBeInstanceOf(AssetGraphError);
    return error as AssetGraphError;
  }
  throw new Error("expected buildAssetGraph to throw");
}

describe("buildAssetGraph: nodes and steps", () => {
  const graph = buildAssetGraph([
    source("ttb/landing"),
    asset("ttb/raw_colas", ["ttb/landing"], { tags: { layer: "bronze" }, owners: ["ana"], codeVersion: "3" }),
    multi("ttb/process_colas", ["ttb/colas", "ttb/applicants"], ["ttb/raw_colas"]),
    asset("ttb/fact_approvals", ["ttb/colas", "ttb/applicants"]),
  ]);

  it("makes one node per asset, multi-asset output and source, with their kind and step", () => {
    expect(graph.keys()).toEqual(["ttb/applicants", "ttb/colas", "ttb/fact_approvals", "ttb/landing", "ttb/raw_colas"]);
    expect(graph.node("ttb/landing")).toMatchObject({ kind: "source", step: undefined, codeVersion: undefined, deps: [] });
    expect(graph.node("ttb/raw_colas")).toMatchObject({ kind: "asset", step: "ttb/raw_colas", group: "ttb", tags: { layer: "bronze" }, owners: ["ana"], codeVersion: "3" });
    expect(graph.node("ttb/colas")).toMatchObject({ kind: "multi-output", step: "ttb/process_colas" });
    expect(graph.node("ttb/applicants").step).toBe("ttb/process_colas");
  });

  it("resolves deps with their view names and a default mapping", () => {
    const [dep] = graph.node("ttb/colas").deps;
    expect(dep).toMatchObject({ asset: "ttb/raw_colas", as: "raw_colas", explicitMapping: false, self: false });
    expect(typeof dep?.mapping.describe()).toBe("string");
  });

  it("groups a multi-asset's outputs into one step and orders steps upstream first", () => {
    expect(graph.steps().map((step) => [step.name, step.keys])).toEqual([
      ["ttb/raw_colas", ["ttb/raw_colas"]],
      ["ttb/process_colas", ["ttb/colas", "ttb/applicants"]],
      ["ttb/fact_approvals", ["ttb/fact_approvals"]],
    ]);
    expect(graph.step("ttb/raw_colas").upstreamSources).toEqual(["ttb/landing"]);
    expect(graph.step("ttb/fact_approvals").upstreamSteps).toEqual(["ttb/process_colas"]);
    expect(graph.stepOf("ttb/applicants")?.name).toBe("ttb/process_colas");
    expect(graph.stepOf("ttb/landing")).toBeUndefined();
  });

  it("answers parents, children, roots and sinks", () => {
    expect(graph.parents("ttb/fact_approvals")).toEqual(["ttb/applicants", "ttb/colas"]);
    expect(graph.children("ttb/raw_colas")).toEqual(["ttb/applicants", "ttb/colas"]);
    expect(graph.roots()).toEqual(["ttb/landing"]);
    expect(graph.sinks()).toEqual(["ttb/fact_approvals"]);
  });

  it("names the closest keys when asked for an unknown node", () => {
    expect(() => graph.node("ttb/cola")).toThrow(AssetGraphError);
    expect(() => graph.node("ttb/cola")).toThrow('Unknown asset "ttb/cola" (did you mean "ttb/colas" or "ttb/raw_colas"?).');
  });
});

describe("buildAssetGraph: traversal and order", () => {
  // a → b → d, a → c → d (diamond), d → e → f (chain)
  const graph = buildAssetGraph([
    asset("f", ["e"]),
    asset("e", ["d"]),
    asset("d", ["c", "b"]),
    asset("c", ["a"]),
    asset("b", ["a"]),
    asset("a"),
  ]);

  it("walks ancestors and descendants, optionally depth-limited", () => {
    expect(graph.ancestors("f")).toEqual(["a", "b", "c", "d", "e"]);
    expect(graph.ancestors("f", 2)).toEqual(["d", "e"]);
    expect(graph.ancestors("d", 1)).toEqual(["b", "c"]);
    expect(graph.descendants("a", 2)).toEqual(["b", "c", "d"]);
    expect(graph.descendants("a", 0)).toEqual([]);
    expect(graph.descendants(["b", "e"])).toEqual(["d", "e", "f"]);
  });

  it("orders topologically with ties broken by key, whatever the definition order", () => {
    expect(graph.topologicalOrder()).toEqual(["a", "b", "c", "d", "e", "f"]);
    const shuffled = buildAssetGraph([asset("c", ["a"]), asset("a"), asset("d", ["c", "b"]), asset("b", ["a"])]);
    expect(shuffled.topologicalOrder()).toEqual(["a", "b", "c", "d"]);
  });

  it("keeps the full order when restricted to a subset", () => {
    expect(graph.topologicalOrder(["f", "a", "d"])).toEqual(["a", "d", "f"]);
  });

  it("rejects a negative traversal depth", () => {
    expect(() => graph.ancestors("f", -1)).toThrow(AssetGraphError);
  });
});

describe("buildAssetGraph: checks", () => {
  it("attaches an asset's own checks and defineCheck ones", () => {
    const graph = buildAssetGraph(
      [asset("a", [], { checks: [{ name: "not_empty", check: "select 1 where false" }] })],
      [defineCheck({ name: "unique_id", asset: "a", check: "select 1 where false" })],
    );
    expect(graph.node("a").checks.map((check) => [check.name, check.asset])).toEqual([
      ["not_empty", "a"],
      ["unique_id", "a"],
    ]);
  });

  it("attaches a multi-asset output's checks to that output", () => {
    const definition = defineMultiAsset({
      name: "m",
      outputs: [{ key: "x", checks: [{ name: "has_rows", check: "select 1 where false" }] }, { key: "y" }],
      materialize: async () => ({ outputs: {} }),
    });
    const graph = buildAssetGraph([definition]);
    expect(graph.node("x").checks.map((check) => check.name)).toEqual(["has_rows"]);
    expect(graph.node("y").checks).toEqual([]);
  });

  it("rejects a check on an unknown asset, suggesting the closest key", () => {
    const error = buildError([asset("market/labels")], [defineCheck({ name: "c", asset: "market/label", check: "select 1" })]);
    expect(error.message).toContain('Check "c" is on unknown asset "market/label"');
    expect(error.message).toContain('did you mean "market/labels"?');
  });

  it("rejects two checks with one name on an asset", () => {
    const error = buildError(
      [asset("a", [], { checks: [{ name: "not_empty", check: "select 1" }] })],
      [defineCheck({ name: "not_empty", asset: "a", check: "select 1" })],
    );
    expect(error.message).toBe('Asset "a" has two checks named "not_empty".');
  });

  it("rejects a check on a source asset, which is never staged", () => {
    const error = buildError([source("landing")], [defineCheck({ name: "c", asset: "landing", check: "select 1" })]);
    expect(error.message).toContain('source asset "landing"');
  });
});

describe("buildAssetGraph: load errors", () => {
  it("rejects two assets with one key", () => {
    expect(buildError([asset("a"), asset("a")]).message).toBe('Asset key "a" is defined twice: as asset "a" and as asset "a".');
  });

  it("rejects an asset key that is also a multi-asset output or a source", () => {
    expect(buildError([asset("x"), multi("m", ["x", "y"])]).message).toBe(
      'Asset key "x" is defined twice: as asset "x" and as output of multi-asset "m".',
    );
    expect(buildError([source("x"), asset("x")]).message).toContain('as source asset "x" and as asset "x"');
  });

  it("rejects a multi-asset named like another step", () => {
    expect(buildError([asset("m"), multi("m", ["x"])]).message).toBe('Step name "m" is used twice: by asset "m" and by multi-asset "m".');
  });

  it("rejects an unknown dependency, suggesting the closest key", () => {
    const error = buildError([asset("market/front_month_bars"), asset("market/labels", ["market/front_month_bar"])]);
    expect(error.message).toBe(
      'Asset "market/labels" depends on unknown asset "market/front_month_bar" (did you mean "market/front_month_bars"?).',
    );
    expect(error.hint).toBe('did you mean "market/front_month_bars"?');
  });

  it("prints the cycle path in data-flow order, starting at its smallest key", () => {
    const error = buildError([asset("a", ["c"]), asset("b", ["a"]), asset("c", ["b"]), asset("z")]);
    expect(error.message).toBe("Dependency cycle between assets: a → b → c → a.");
  });

  it("finds a cycle that runs through a multi-asset", () => {
    const error = buildError([multi("m", ["x", "y"], ["d"]), asset("d", ["y"])]);
    expect(error.message).toBe("Dependency cycle between assets: d → y → d.");
  });

  it("rejects a multi-asset output reading another output of the same multi-asset", () => {
    const error = buildError([multi("m", ["x", "y"], ["y"])]);
    expect(error.message).toBe('Multi-asset "m" depends on its own output "y".');
  });

  it("rejects an unpartitioned asset depending on itself", () => {
    const error = buildError([asset("a", ["a"])]);
    expect(error.message).toContain('Asset "a" depends on itself but is unpartitioned');
  });

  it("keeps an asset's Parquet options and rejects an unknown compression with the valid ones", () => {
    expect(asset("wide", [], { parquet: { compression: "lz4_raw", dictionary: false } }).parquet).toEqual({ compression: "lz4_raw", dictionary: false });
    expect(asset("plain").parquet).toEqual({});
    const bad = { compression: "gzip" } as unknown as { compression: "zstd" };
    expect(() => asset("bad", [], { parquet: bad })).toThrow(/parquet.compression of "bad" is "gzip"/);
  });

  it("rejects something that is not an asset definition", () => {
    expect(() => buildAssetGraph([{ type: "check" } as unknown as AnyAssetDefinition])).toThrow(DefinitionError);
  });
});
