/**
 * The asset UI at scale, shared by `npm run bench -- ui` and the browser
 * test that holds it to its budget: a daily asset with 10,000 partitions
 * (and its 10,000-partition upstream) and a 200-asset definitions set, their
 * partition indexes seeded directly (the pages read only the index), then
 * each page loaded in headless Chromium and timed until it is drawn.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { dailyPartitions, defineAsset, defineDefinitions, monthlyPartitions, type AnyAssetDefinition, type Definitions } from "../src/core";
import type { Catalog, PartitionIndexEntry, UpstreamVersion } from "../src/resources/catalog";

export const DAILY_ASSET = "events/daily_sessions";
export const DAILY_UPSTREAM = "events/raw_events";
export const DAILY_PARTITIONS = 10_000;
export const GRAPH_ASSETS = 200;
const GROUPS = 10;

const DAYS = dailyPartitions({ start: "1998-01-01", end: new Date(Date.UTC(1998, 0, 1 + DAILY_PARTITIONS)).toISOString().slice(0, 10) });
const MONTHS = monthlyPartitions({ start: "2023-01", end: "2025-01" });

const noop = async () => "SELECT 1 AS x";

/** The 10,000-partition pair plus 198 monthly assets in 10 groups, each reading one or two before it. */
export function scaleDefinitions(): Definitions {
  const assets: AnyAssetDefinition[] = [
    defineAsset({ key: DAILY_UPSTREAM, group: "events", partitions: DAYS, materialize: noop }),
    defineAsset({ key: DAILY_ASSET, group: "events", partitions: DAYS, deps: [DAILY_UPSTREAM], checks: [{ name: "sessions_not_negative", blocking: true, check: "SELECT * FROM output WHERE x < 0" }], materialize: noop }),
  ];
  for (let i = 0; i < GRAPH_ASSETS - 2; i++) {
    const group = `g${i % GROUPS}`;
    const deps = [i - GROUPS, i - GROUPS * 2 - 1].filter((j) => j >= 0).map((j) => `${`g${j % GROUPS}`}/asset_${j}`);
    assets.push(defineAsset({ key: `${group}/asset_${i}`, group, partitions: MONTHS, deps, checks: i % 7 === 0 ? [{ name: "not_empty", check: "SELECT 1 WHERE false" }] : [], materialize: noop }));
  }
  return defineDefinitions({ assets });
}

function entry(partition: string, dataVersion: string, upstream: UpstreamVersion[], extra: Partial<PartitionIndexEntry> = {}, codeVersion = "1"): PartitionIndexEntry {
  return {
    partition,
    version: { dataVersion, codeVersion, rows: 1000, bytes: 20_000, publishedAt: "2025-01-01T00:00:00.000Z", runId: `materia-run:bench:${partition}`, upstream },
    ...extra,
  };
}

/**
 * Seed the indexes: every upstream day published; the daily asset published
 * for all but 100 days, 12 of them stale (made from an older upstream), 30
 * failing their blocking check; every graph asset 20 of 24 months.
 */
export async function seedScaleCatalog(catalog: Catalog, definitions: Definitions): Promise<void> {
  const at = "2020-01-01T00:00:00.000Z";
  const days = DAYS.keys();
  await catalog.index.replace(DAILY_UPSTREAM, days.map((d) => entry(d, `raw-${d}`, [])), at);
  const daily: PartitionIndexEntry[] = [];
  days.forEach((d, i) => {
    if (i % 100 === 50) return; // missing
    const stale = i % 833 === 7;
    const failed = i % 333 === 11;
    daily.push(
      entry(d, `daily-${d}`, [{ asset: DAILY_UPSTREAM, partition: d, dataVersion: stale ? `raw-old-${d}` : `raw-${d}` }], failed ? { checks: { passed: 0, failed: 1, failedBlocking: 1, failedChecks: ["sessions_not_negative"], evaluatedAt: "2025-02-01T00:00:00.000Z", runId: `materia-run:bench:${d}` } } : {}),
    );
  });
  await catalog.index.replace(DAILY_ASSET, daily, at);
  const months = MONTHS.keys();
  for (const key of definitions.graph.keys()) {
    if (key.startsWith("events/")) continue;
    const deps = definitions.graph.parents(key);
    await catalog.index.replace(key, months.slice(0, 20).map((m) => entry(m, `${key}-${m}`, deps.map((dep) => ({ asset: dep, partition: m, dataVersion: `${dep}-${m}` })))), at);
  }
}

export function benchChromiumPath(): string {
  const path = process.env.MATERIA_CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(path)) throw new Error(`No Chromium at ${path}: apt-get install -y chromium, or set MATERIA_CHROMIUM.`);
  return path;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: benchChromiumPath(), headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
}

export interface ScaleTimings {
  /** The 10,000-partition asset page: its first load after the server started, and the median of three loads. */
  assetPageMs: { first: number; median: number; all: number[] };
  /** The 200-asset graph: the same. */
  graphPageMs: { first: number; median: number; all: number[] };
  cells: number;
  nodes: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Load each page three times, timed from navigation until the matrix / graph
 * is visible. The median says what a page costs on this machine; the first
 * load also pays whatever else the machine was doing at that moment.
 */
export async function measureScalePages(browser: Browser, baseUrl: string): Promise<ScaleTimings> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    const timed = async (url: string, selector: string): Promise<number> => {
      const started = performance.now();
      await page.goto(url, { waitUntil: "load" });
      await page.waitForSelector(selector, { state: "visible" });
      return Math.round(performance.now() - started);
    };
    // A browser already running, as a user's is: its first navigation starts a renderer, which is not the page's time.
    await page.goto(`${baseUrl}/api/health`);
    const assetUrl = `${baseUrl}/asset?key=${encodeURIComponent(DAILY_ASSET)}`;
    const asset: number[] = [];
    for (let i = 0; i < 3; i++) asset.push(await timed(assetUrl, "[data-testid=matrix]"));
    const cells = await page.$$eval("[data-testid=matrix] canvas.cells", (rows) => rows.reduce((n, row) => n + (row.getAttribute("data-states") ?? "").length, 0));
    const graph: number[] = [];
    for (let i = 0; i < 3; i++) graph.push(await timed(`${baseUrl}/`, "[data-testid=graph] svg"));
    const nodes = await page.$$eval(".node", (ns) => ns.length);
    return { assetPageMs: { first: asset[0]!, median: median(asset), all: asset }, graphPageMs: { first: graph[0]!, median: median(graph), all: graph }, cells, nodes };
  } finally {
    await page.close();
  }
}
