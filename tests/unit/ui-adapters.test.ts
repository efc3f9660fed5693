/**
 * The asset UI's pure pieces: the backfill progress adapter (counts always,
 * the per-node grid when the workflow reports one, unknown codes tolerated),
 * the visibility query it sends, the partitions a run's workflow id names,
 * each partition's one state, and HTML escaping of catalog contents.
 */
import { gridOf, progressView } from "../../src/ui/backfill-progress";
import { escapeHtml, html } from "../../src/ui/html";
import { assetState, countStates, stateOf } from "../../src/ui/partition-states";
import { defineAsset, defineDefinitions, defineMultiAsset, monthlyPartitions } from "../../src/core";
import { runningInGrid, runPartitionsOf, visibilityQuery } from "../../src/ui/temporal-view";

describe("backfill progress adapter", () => {
  it("keeps the counts of an answer without a grid", () => {
    const view = progressView("RUNNING", { total: 10, done: 4, failed: 1, skipped: 2, running: 1, pending: 2, paused: false, etaSeconds: 30, startedAt: "x", failures: [{ partition: "2025-01", workflowId: "w", message: "boom" }] });
    expect(view).toMatchObject({ status: "RUNNING", total: 10, done: 4, failed: 1, skipped: 2, running: 1, pending: 2, etaSeconds: 30, grid: undefined });
    expect(view.failures).toEqual([{ partition: "2025-01", step: undefined, message: "boom" }]);
  });

  it("reads the grid's one-character states, and tolerates codes it does not know", () => {
    const grid = gridOf({ partitions: ["2025-01", "2025-02", "2025-03"], rows: [{ step: "a", partitioned: true, states: "dRp" }, { step: "b", partitioned: false, states: "Z" }] });
    expect(grid).toEqual({ partitions: ["2025-01", "2025-02", "2025-03"], rows: [{ step: "a", partitioned: true, cells: ["done", "running", "pending"] }, { step: "b", partitioned: false, cells: ["unknown"] }] });
    expect(gridOf({ partitions: "nope" })).toBeUndefined();
    expect(progressView("COMPLETED", undefined)).toMatchObject({ total: 0, grid: undefined });
  });
});

describe("Temporal visibility", () => {
  it("filters by materia's search attributes, quoting values", () => {
    expect(visibilityQuery({})).toBe('MateriaKind IN ("run", "backfill")');
    expect(visibilityQuery({ kind: "run", job: "shop", partition: '20"25', asset: "a/b" })).toBe('MateriaKind = "run" AND MateriaJob = "shop" AND MateriaPartition = "20\\"25" AND MateriaAssets = "a/b"');
  });

  it("reads the partitions a run's workflow id names", () => {
    expect(runPartitionsOf("materia-run:shop_monthly:2025-02")).toEqual({ key: "2025-02" });
    expect(runPartitionsOf("materia-run:sel-abc:2025-01..2025-12(12)")).toEqual({ from: "2025-01", to: "2025-12" });
    expect(runPartitionsOf("materia-run:sel-abc:all")).toBeUndefined();
    expect(runPartitionsOf("materia-backfill:x")).toBeUndefined();
  });
});

describe("running partitions of a backfill", () => {
  it("maps the grid's running cells to asset partitions, a multi-asset step's row to each of its assets", () => {
    const months = monthlyPartitions({ start: "2025-01", end: "2025-04" });
    const definitions = defineDefinitions({
      assets: [
        defineAsset({ key: "a/raw", partitions: months, materialize: async () => "SELECT 1" }),
        defineMultiAsset({ name: "split", partitions: months, outputs: [{ key: "a/x" }, { key: "a/y" }], deps: ["a/raw"], materialize: async () => ({ outputs: { "a/x": { query: "SELECT 1" }, "a/y": { query: "SELECT 1" } } }) }),
        defineAsset({ key: "a/total", deps: ["a/x"], materialize: async () => "SELECT 1" }),
      ],
    });
    const grid = gridOf({ partitions: ["2025-01", "2025-02", "2025-03"], rows: [{ step: "a/raw", partitioned: true, states: "dRR" }, { step: "split", partitioned: true, states: "dRp" }, { step: "a/total", partitioned: false, states: "R" }] })!;
    expect(runningInGrid(definitions, grid).sort()).toEqual(["a/raw\u00002025-02", "a/raw\u00002025-03", "a/total\u0000", "a/x\u00002025-02", "a/y\u00002025-02"].sort());
  });
});

describe("partition states", () => {
  const version = { dataVersion: "d", codeVersion: "1", rows: 1, bytes: 1, publishedAt: "2025-01-02T00:00:00Z", runId: "r1", upstream: [] };
  it("orders running, a blocked latest evaluation, missing, failed non-blocking checks, stale, fresh", () => {
    expect(stateOf(undefined, { status: "missing" }, true)).toBe("running");
    expect(stateOf({ partition: "p", checks: { passed: 0, failed: 1, failedBlocking: 1, failedChecks: ["x"], evaluatedAt: "2025-01-01T00:00:00Z", runId: "r0" } }, { status: "missing" }, false)).toBe("failed");
    // A blocked evaluation older than the published version does not count.
    expect(stateOf({ partition: "p", version, checks: { passed: 0, failed: 1, failedBlocking: 1, failedChecks: ["x"], evaluatedAt: "2025-01-01T00:00:00Z", runId: "r0" } }, { status: "fresh", dataVersion: "d" }, false)).toBe("fresh");
    expect(stateOf({ partition: "p", version, checks: { passed: 1, failed: 1, failedBlocking: 0, failedChecks: ["w"], evaluatedAt: "2025-01-02T00:00:00Z", runId: "r1" } }, { status: "fresh", dataVersion: "d" }, false)).toBe("check-failed");
    expect(stateOf({ partition: "p", version }, { status: "stale", dataVersion: "d", causes: [] }, false)).toBe("stale");
  });

  it("gives an asset the most urgent of its partitions' states", () => {
    const rows = (states: string[]) => states.map((state) => ({ partition: null, state, entry: undefined, causes: [] })) as Parameters<typeof countStates>[0];
    expect(assetState(countStates(rows(["fresh", "stale", "missing"])))).toBe("stale");
    expect(assetState(countStates(rows(["missing", "missing"])))).toBe("missing");
    expect(assetState(countStates(rows(["fresh", "missing"])))).toBe("fresh");
  });
});

describe("html", () => {
  it("escapes every interpolated value, including catalog contents", () => {
    expect(escapeHtml(`<script>"'&`)).toBe("&lt;script&gt;&quot;&#39;&amp;");
    expect(html`<td>${"<img onerror=x>"}</td>${[html`<b>${"&"}</b>`]}`.value).toBe("<td>&lt;img onerror=x&gt;</td><b>&amp;</b>");
  });
});
