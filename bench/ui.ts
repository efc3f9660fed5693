/**
 * `npm run bench -- ui`: the asset UI's page times in headless Chromium (see
 * ui-scale.ts) — the 10,000-partition asset page and the 200-asset graph,
 * on a local-folder catalog (and on MinIO when MATERIA_BENCH_S3_ENDPOINT,
 * MATERIA_BENCH_S3_BUCKET and the AWS_* credentials name one).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config";
import { Catalog } from "../src/resources/catalog";
import { LocalObjectStore, S3ObjectStore, type ObjectStore } from "../src/resources/object-store";
import { startUi } from "../src/ui";
import { createLogger } from "../src/utils/logger";
import { DAILY_PARTITIONS, GRAPH_ASSETS, launchChromium, measureScalePages, scaleDefinitions, seedScaleCatalog } from "./ui-scale";

export async function benchUi(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "materia-bench-ui-"));
  const definitions = scaleDefinitions();
  const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: home, MATERIA_LOG_LEVEL: "warn" } });
  const stores: Array<[string, ObjectStore]> = [["local store", new LocalObjectStore(join(home, "lake"))]];
  const endpoint = process.env.MATERIA_BENCH_S3_ENDPOINT;
  const bucket = process.env.MATERIA_BENCH_S3_BUCKET;
  if (endpoint && bucket) stores.push(["MinIO", new S3ObjectStore({ bucket, prefix: `bench-ui-${Date.now()}`, endpoint })]);
  const browser = await launchChromium();
  try {
    for (const [where, store] of stores) {
      await seedScaleCatalog(new Catalog(store), definitions);
      const ui = await startUi(config, createLogger({ level: "warn", format: "json" }), { port: 0, host: "127.0.0.1", definitions: () => definitions, store, temporal: async () => undefined });
      try {
        const t = await measureScalePages(browser, ui.url);
        console.log(
          `ui (${where}, load ${loadavg()[0]!.toFixed(2)}): ${DAILY_PARTITIONS}-partition asset page ${t.assetPageMs.median} ms median (${t.assetPageMs.all.join(", ")}; ${t.cells} cells); ` +
            `${GRAPH_ASSETS}-asset graph ${t.graphPageMs.median} ms median (${t.graphPageMs.all.join(", ")}; ${t.nodes} nodes) (target < 2000 ms each)`,
        );
      } finally {
        await ui.close();
        await store.close?.();
      }
    }
  } finally {
    await browser.close();
    rmSync(home, { recursive: true, force: true });
  }
}
