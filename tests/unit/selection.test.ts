import fc from "fast-check";
import { defineAsset, defineMultiAsset, defineSourceAsset, type AssetSpec } from "../../src/core/definitions/asset";
import { SelectionError } from "../../src/core/errors";
import { buildAssetGraph } from "../../src/core/graph";
import { materializableKeys, selectAssets } from "../../src/core/selection";

const materialize = async () => "select 1 as x";
const asset = (key: string, deps: string[], extra: Partial<AssetSpec> = {}) => defineAsset({ key, deps, materialize, ...extra });

/**
 * raw/vendor_files (source) → raw/bars → market/front_month → market/labels   → market/training_set
 *                                                           → market/features ↗
 * ttb/raw_colas → [ttb/process_colas: ttb/colas, ttb/applicants]; ttb/applicants → ttb/dim_applicant;
 * ttb/colas + ttb/dim_applicant → ttb/fact_approvals
 */
const graph = buildAssetGraph([
  defineSourceAsset({ key: "raw/vendor_files", observe: async () => undefined }),
  asset("raw/bars", ["raw/vendor_files"], { tags: { layer: "bronze" }, owners: ["ana"] }),
  asset("market/front_month", ["raw/bars"], { tags: { layer: "silver" }, owners: ["ana", "bo"] }),
  asset("market/labels", ["market/front_month"], { tags: { layer: "silver" } }),
  asset("market/features", ["market/front_month"], { tags: { layer: "silver", team: "ml" }, owners: ["bo"] }),
  asset("market/training_set", ["market/labels", "market/features"], { tags: { layer: "gold", team: "ml" } }),
  asset("ttb/raw_colas", []),
  defineMultiAsset({
    name: "ttb/process_colas",
    outputs: [{ key: "ttb/colas" }, { key: "ttb/applicants" }],
    deps: ["ttb/raw_colas"],
    materialize: async () => ({ outputs: {} }),
  }),
  asset("ttb/dim_applicant", ["ttb/applicants"]),
  asset("ttb/fact_approvals", ["ttb/colas", "ttb/dim_applicant"]),
]);

const RAW = ["raw/bars", "raw/vendor_files"];
const MARKET = ["market/features", "market/front_month", "market/labels", "market/training_set"];
const TTB = ["ttb/applicants", "ttb/colas", "ttb/dim_applicant", "ttb/fact_approvals", "ttb/raw_colas"];
const select = (text: string) => selectAssets(graph, text);

describe("selectAssets: atoms", () => {
  it.each<[string, string[]]>([
    ["key:market/labels", ["market/labels"]],
    ["market/labels", ["market/labels"]],
    ["key:market/*", MARKET],
    ["key:*raw*", ["raw/bars", "raw/vendor_files", "ttb/raw_colas"]],
    ["key:*/f*", ["market/features", "market/front_month", "ttb/fact_approvals"]],
    ["group:market", MARKET],
    ["group:r*", RAW],
    ["tag:layer=silver", ["market/features", "market/front_month", "market/labels"]],
    ["tag:team", ["market/features", "market/training_set"]],
    ["tag:layer=*o*", ["market/training_set", "raw/bars"]],
    ["owner:bo", ["market/features", "market/front_month"]],
    ["kind:source", ["raw/vendor_files"]],
    ["kind:multi-output", ["ttb/applicants", "ttb/colas"]],
    ["*", [...MARKET, ...RAW, ...TTB]],
  ])("%s", (text, expected) => {
    expect(select(text)).toEqual(expected);
  });
});

describe("selectAssets: traversal", () => {
  it.each<[string, string[]]>([
    ["+key:market/labels", ["market/front_month", "market/labels", "raw/bars", "raw/vendor_files"]],
    ["key:market/front_month+", ["market/features", "market/front_month", "market/labels", "market/training_set"]],
    ["1+key:market/labels", ["market/front_month", "market/labels"]],
    ["2+key:market/training_set", ["market/features", "market/front_month", "market/labels", "market/training_set"]],
    ["key:raw/bars+1", ["market/front_month", "raw/bars"]],
    ["1+key:market/labels+1", ["market/front_month", "market/labels", "market/training_set"]],
    ["0+key:market/labels", ["market/labels"]],
    ["key:ttb/raw_colas+2", ["ttb/applicants", "ttb/colas", "ttb/dim_applicant", "ttb/fact_approvals", "ttb/raw_colas"]],
    ["+(key:market/labels or key:ttb/colas)", ["market/front_month", "market/labels", "raw/bars", "raw/vendor_files", "ttb/colas", "ttb/raw_colas"]],
    ["+(group:ttb)", TTB],
  ])("%s", (text, expected) => {
    expect(select(text)).toEqual(expected);
  });
});

describe("selectAssets: operators and functions", () => {
  it.each<[string, string[]]>([
    ["group:market and tag:team=ml", ["market/features", "market/training_set"]],
    ["group:raw or kind:multi-output", ["raw/bars", "raw/vendor_files", "ttb/applicants", "ttb/colas"]],
    ["not group:market and not group:ttb", RAW],
    // and binds tighter than or ...
    ["group:raw or group:market and tag:team=ml", ["market/features", "market/training_set", "raw/bars", "raw/vendor_files"]],
    ["(group:raw or group:market) and tag:team=ml", ["market/features", "market/training_set"]],
    // ... and not tighter than and.
    ["not tag:layer=silver and group:market", ["market/training_set"]],
    ["not (tag:layer=silver and group:market)", ["market/training_set", ...RAW, ...TTB]],
    ["roots(group:market)", ["market/front_month"]],
    ["sinks(group:market)", ["market/training_set"]],
    ["roots(*)", ["raw/vendor_files", "ttb/raw_colas"]],
    ["sinks(*)", ["market/training_set", "ttb/fact_approvals"]],
    // roots look through assets outside the selection: labels has raw/bars upstream via front_month.
    ["roots(key:raw/bars or key:market/labels)", ["raw/bars"]],
    ["sinks(key:raw/bars or key:market/labels)", ["market/labels"]],
    ["roots(group:ttb)+1", ["ttb/applicants", "ttb/colas", "ttb/raw_colas"]],
  ])("%s", (text, expected) => {
    expect(select(text)).toEqual(expected);
  });

  it("drops source assets for execution", () => {
    expect(materializableKeys(graph, select("+key:market/labels"))).toEqual(["market/front_month", "market/labels", "raw/bars"]);
  });
});

describe("selectAssets: atoms that match nothing", () => {
  function selectionError(text: string): SelectionError {
    try {
      select(text);
    } catch (error) {
      expect(error).toBeInstanceOf(SelectionError);
      return error as SelectionError;
    }
    throw new Error(`expected "${text}" to fail`);
  }

  it.each<[string, string, number]>([
    ["key:market/lables", 'Unknown asset "market/lables" (did you mean "market/labels" or "market/features"?).', 4],
    ["+market/lables", 'Unknown asset "market/lables" (did you mean "market/labels" or "market/features"?).', 1],
    ["group:market and key:nope/*", "key:nope/* matches no asset.", 21],
    ["group:markt", 'No asset has group "markt" (did you mean "market"?).', 6],
    ["owner:ann", 'No asset has owner "ann" (did you mean "ana"?).', 6],
    ["tag:teem=ml", 'No asset has tag "teem" (did you mean "team"?).', 4],
    ["tag:layer=silvr", 'No asset has tag layer with value "silvr" (did you mean "silver"?).', 10],
  ])("%s", (text, message, position) => {
    const error = selectionError(text);
    expect(error.message).toBe(`${message}\n  ${text}\n  ${" ".repeat(position)}^`);
  });

  it("returns an empty set for combinations that select nothing", () => {
    expect(select("group:raw and group:market")).toEqual([]);
  });
});

describe("selectAssets: algebraic properties", () => {
  const atoms = ["group:market", "group:raw", "tag:layer=silver", "tag:team", "owner:ana", "kind:source", "key:ttb/*", "market/labels", "*"];
  const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(...atoms),
      tie("expr").map((x) => `not (${x})`),
      fc.tuple(tie("expr"), tie("expr")).map(([x, y]) => `(${x}) and (${y})`),
      fc.tuple(tie("expr"), tie("expr")).map(([x, y]) => `(${x}) or (${y})`),
      fc.tuple(tie("expr"), fc.nat(3)).map(([x, depth]) => `${depth}+(${x})`),
      tie("expr").map((x) => `roots(${x})`),
    ),
  })).expr;
  const all = new Set(select("*"));

  it("not (not X) selects X", () => {
    fc.assert(fc.property(expression, (x) => expect(select(`not (not (${x}))`)).toEqual(select(x))));
  });

  it("or is union, and is intersection, not is complement", () => {
    fc.assert(
      fc.property(expression, expression, (x, y) => {
        const [sx, sy] = [new Set(select(x)), new Set(select(y))];
        expect(select(`(${x}) or (${y})`)).toEqual([...all].filter((k) => sx.has(k) || sy.has(k)));
        expect(select(`(${x}) and (${y})`)).toEqual([...all].filter((k) => sx.has(k) && sy.has(k)));
        expect(select(`not (${x})`)).toEqual([...all].filter((k) => !sx.has(k)));
      }),
    );
  });

  it("+X contains X and is closed under parents; roots(X) is inside X", () => {
    fc.assert(
      fc.property(expression, (x) => {
        const base = select(x);
        const upstream = new Set(select(`+(${x})`));
        for (const key of base) expect(upstream.has(key)).toBe(true);
        for (const key of upstream) for (const parent of graph.parents(key)) expect(upstream.has(parent)).toBe(true);
        for (const key of select(`roots(${x})`)) expect(base).toContain(key);
      }),
    );
  });
});
