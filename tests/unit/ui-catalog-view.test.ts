/**
 * The UI's catalog view: partition rows from the index (states, stale
 * causes through upstream indexes), reused while nothing moved, and re-read
 * after an action.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineAsset, defineDefinitions, monthlyPartitions } from "../../src/core";
import { Catalog, type Manifest } from "../../src/resources/catalog";
import { LocalObjectStore } from "../../src/resources/object-store";
import { CatalogView } from "../../src/ui/partition-states";
import { createLogger } from "../../src/utils/logger";

const MONTHS = monthlyPartitions({ start: "2025-01", end: "2025-04" });
const definitions = defineDefinitions({
  assets: [
    defineAsset({ key: "up", partitions: MONTHS, materialize: async () => "SELECT 1" }),
    defineAsset({ key: "down", partitions: MONTHS, deps: ["up"], materialize: async () => "SELECT 1" }),
  ],
});

function manifest(asset: string, partition: string, dataVersion: string, upstream: Manifest["upstream"] = []): Manifest {
  const at = "2025-05-01T00:00:00.000Z";
  return { formatVersion: 1, asset, partition, dataVersion, logicalVersion: "l", dataKey: "k", rowCount: 1, bytes: 1, codeVersion: "1", upstream, runId: "r", publishedAt: at, schema: [], startedAt: at, durationMs: 1, checks: [], metadata: {}, history: [] };
}

describe("the UI's catalog view", () => {
  it("computes states and stale causes from the indexes, and re-reads after an action", async () => {
    const store = new LocalObjectStore(join(mkdtempSync(join(tmpdir(), "materia-ui-view-")), "lake"));
    const catalog = new Catalog(store);
    await catalog.index.recordPublished(manifest("up", "2025-01", "u1"));
    await catalog.index.recordPublished(manifest("down", "2025-01", "d1", [{ asset: "up", partition: "2025-01", dataVersion: "u1" }]));
    await catalog.index.recordPublished(manifest("up", "2025-02", "u2"));
    await catalog.index.recordPublished(manifest("down", "2025-02", "d2", [{ asset: "up", partition: "2025-02", dataVersion: "u-old" }]));
    const view = new CatalogView({ definitions: () => definitions, catalog, store, scratchRoot: tmpdir(), temporal: async () => undefined, settings: { temporalUiUrl: "", namespace: "default", taskQueue: "q", storeDescription: "" }, log: createLogger({ level: "silent", format: "json" }) });

    const first = (await view.rows(definitions, ["down"], new Set())).get("down")!;
    expect(first.map((r) => [r.partition, r.state])).toEqual([["2025-01", "fresh"], ["2025-02", "stale"], ["2025-03", "missing"]]);
    expect(first[1]!.causes).toEqual([{ kind: "upstream-changed", asset: "up", partition: "2025-02" }]);
    // Nothing moved: the same rows, not recomputed.
    expect((await view.rows(definitions, ["down"], new Set())).get("down")).toBe(first);
    // A running partition is part of what the rows depend on.
    expect((await view.rows(definitions, ["down"], new Set(["down\u00002025-03"]))).get("down")![2]!.state).toBe("running");

    await catalog.index.recordPublished(manifest("down", "2025-03", "d3", [{ asset: "up", partition: "2025-03", dataVersion: "u3" }]));
    view.invalidate();
    const after = (await view.rows(definitions, ["down"], new Set())).get("down")!;
    expect(after[2]!.state).toBe("stale");
    expect(after[2]!.causes).toEqual([{ kind: "upstream-missing", asset: "up", partition: "2025-03" }]);
  });
});
