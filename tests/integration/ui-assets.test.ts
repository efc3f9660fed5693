/**
 * The asset UI in a real browser (Debian's chromium through playwright-core)
 * against a real Temporal dev server and worker:
 *   - the graph shows the shipped pipelines' assets and edges;
 *   - after runs where one month fails its blocking check, the asset page
 *     shows each partition's state and the partition page the failing rows;
 *   - the materialize action starts a run the page then shows fresh, live;
 *   - rollback (with its confirmation) changes the current version.
 * Screenshots of the main pages go to docs/ for the README.
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { defineAsset, defineDefinitions, defineJob, monthlyPartitions, type Definitions } from "../../src/core";
import { loadDefinitionsFrom } from "../../src/execution";
import { startRun } from "../../src/temporal/client";
import { materialize, runGenerator, temporaryLake } from "materia/testing";
import { exampleGenerator } from "../../src/assets/example";
import { createObjectStore } from "../../src/resources/object-store";
import { startUi, type RunningUi } from "../../src/ui";
import { CELL_CLASS, CELL_PITCH } from "../../src/ui/assets";
import { createLogger } from "../../src/utils/logger";
import { launchBrowser, screenshot } from "../support/browser";
import { startHarness, type Harness } from "../support/temporal-harness";
import { requireEnv, testConfig } from "../support/test-config";
import { waitFor } from "../support/wait";

const MONTHS = monthlyPartitions({ start: "2024-01", end: "2024-07" });
const BAD_MONTH = "2024-02";
const SELECTION = "key:shop/orders or key:shop/revenue";

function shopDefinitions(): Definitions {
  const orders = defineAsset({
    key: "shop/orders",
    group: "shop",
    partitions: MONTHS,
    description: "Orders of the month from the shop's export",
    checks: [{ name: "amount_not_negative", blocking: true, check: "SELECT * FROM output WHERE amount < 0" }],
    async materialize(ctx) {
      const scale = Number(ctx.resources.scale ?? 1);
      const bad = ctx.partitionKey === BAD_MONTH ? "UNION ALL SELECT 999999 AS order_id, -5.0 AS amount" : "";
      return `SELECT i::BIGINT AS order_id, ((i % 7) * 10.0 * ${scale})::DOUBLE AS amount FROM range(0, 50) t(i) ${bad} ORDER BY order_id`;
    },
  });
  const revenue = defineAsset({
    key: "shop/revenue",
    group: "shop",
    partitions: MONTHS,
    deps: ["shop/orders"],
    checks: [{ name: "revenue_positive", check: "SELECT * FROM output WHERE revenue <= 0" }],
    async materialize() {
      return "SELECT sum(amount) AS revenue, count(*) AS orders FROM orders";
    },
  });
  // Waits for the test to open its gate: a backfill of it stays running while the test looks.
  const slow = defineAsset({
    key: "shop/slow",
    group: "shop",
    partitions: MONTHS,
    async materialize(ctx) {
      await (ctx.resources.gate as Promise<void> | undefined);
      return "SELECT 1 AS x";
    },
  });
  return defineDefinitions({ assets: [orders, revenue, slow], jobs: [defineJob({ name: "shop_monthly", selection: SELECTION })] });
}

const STATE_OF_CLASS: Record<string, string> = Object.fromEntries(Object.entries(CELL_CLASS).map(([state, letter]) => [letter, state]));

/** The state a matrix cell shows: its row's state letter at the partition's place (what ui.js paints). */
async function cellState(page: Page, asset: string, partition: string): Promise<string | undefined> {
  const matrix = `.matrix[data-asset="${asset}"]`;
  const keys = JSON.parse((await page.$eval(`${matrix} script.matrix-keys`, (el) => el.textContent)) ?? "[]") as string[];
  const rows = await page.$$eval(`${matrix} canvas.cells`, (canvases) => canvases.map((c) => [Number(c.getAttribute("data-first")), c.getAttribute("data-states") ?? ""] as const));
  const index = keys.indexOf(partition);
  const row = rows.find(([first, states]) => index >= first && index < first + states.length);
  const letter = row ? row[1][index - row[0]] : undefined;
  return letter === undefined ? undefined : STATE_OF_CLASS[letter];
}

/** Waits — without reloading: the page refreshes its matrix itself — until the cell shows `state`. */
async function waitForCell(page: Page, asset: string, partition: string, state: string, timeoutMs: number): Promise<void> {
  await waitFor(`${asset}[${partition}] to show ${state} in the page`, async () => (await cellState(page, asset, partition).catch(() => undefined)) === state, { timeoutMs });
}

describe("the asset UI in a browser", () => {
  let harness: Harness;
  let ui: RunningUi;
  let browser: Browser;
  let page: Page;
  const resources: Record<string, unknown> = { scale: 1 };
  const definitions = shopDefinitions();

  beforeAll(async () => {
    harness = await startHarness(definitions, { resources });
    ui = await startUi(harness.config, createLogger({ level: "warn", format: "json" }), {
      port: 0,
      host: "127.0.0.1",
      definitions: () => definitions,
      store: harness.env.store,
      temporal: async () => harness.client,
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await harness?.close();
  });

  it("the graph shows the shipped pipelines' assets and edges", async () => {
    const shipped = loadDefinitionsFrom(join(__dirname, "..", "..", "src", "definitions.ts"));
    // The example pipeline published for three months, in-process, so the graph has states to show.
    const lake = temporaryLake();
    await runGenerator(exampleGenerator, { lake, from: "2025-01", to: "2025-03" });
    for (const partition of ["2025-01", "2025-02", "2025-03"]) expect((await materialize(shipped, { selection: "group:example", partition, lake })).status).toBe("succeeded");
    const lakeStore = createObjectStore(lake.storageUrl);
    // As a lake published before the partition index existed: the UI builds the indexes from the manifests on start.
    await lakeStore.deleteMany((await lakeStore.list("index/")).map((o) => o.key));
    const shippedUi = await startUi(harness.config, createLogger({ level: "warn", format: "json" }), { port: 0, host: "127.0.0.1", definitions: () => shipped, store: lakeStore, temporal: async () => harness.client });
    try {
      await page.goto(`${shippedUi.url}/`);
      await page.waitForSelector("[data-testid=graph] svg");
      const keys = shipped.graph.keys();
      const shown = await page.$$eval(".node", (nodes) => nodes.map((n) => n.getAttribute("data-asset")));
      expect(shown.sort()).toEqual([...keys].sort());
      const edges = await page.$$eval("path.edge", (paths) => paths.map((p) => p.getAttribute("data-edge")));
      const expected = keys.flatMap((key) => shipped.graph.parents(key).map((parent) => `${parent}->${key}`));
      expect(edges.sort()).toEqual(expected.sort());
      expect(await page.getAttribute('.node[data-asset="example/daily_views"]', "data-state")).toBe("fresh");
      expect(await page.getAttribute('.node[data-asset="market/features"]', "data-state")).toBe("missing");
      const groups = await page.$$eval(".group", (gs) => gs.map((g) => g.getAttribute("data-group")));
      expect(new Set(groups)).toEqual(new Set(keys.map((k) => shipped.graph.node(k).group)));
      await screenshot(page, "ui-graph.png");

      // Schedules and sensors, with their state in Temporal (not synced here).
      await page.goto(`${shippedUi.url}/automation`);
      const schedules = await page.textContent("[data-testid=schedules]");
      for (const name of shipped.schedules.keys()) expect(schedules).toContain(name);
      expect(schedules).toContain("not synced");
      const sensors = await page.textContent("[data-testid=sensors]");
      for (const name of shipped.sensors.keys()) expect(sensors).toContain(name);

      // A bad selection shows the parser's message with its caret, in the page.
      await page.goto(`${shippedUi.url}/?select=${encodeURIComponent("group:market and (")}`);
      const error = await page.textContent("[data-testid=selection-error]");
      expect(error).toContain("^");
      await page.goto(`${shippedUi.url}/?select=${encodeURIComponent("group:market")}`);
      const market = await page.$$eval(".node", (nodes) => nodes.map((n) => n.getAttribute("data-asset")));
      expect(market.length).toBeGreaterThan(0);
      expect(market.every((k) => k!.startsWith("market/"))).toBe(true);
    } finally {
      await shippedUi.close();
      lake.remove();
    }
  });

  it("shows each partition's state after runs with a failed blocking check, and the failing rows", async () => {
    const taskQueue = harness.config.temporal.taskQueue;
    for (const partition of ["2024-01", BAD_MONTH, "2024-03"]) {
      await (await startRun(harness.client, taskQueue, { selection: SELECTION, partition })).handle.result().catch(() => undefined);
    }
    const total = MONTHS.keys().length;
    // A page may first show the index as the UI read it a moment ago; the next read shows the runs.
    await page.goto(`${ui.url}/asset?key=shop/orders`);
    await waitFor("the runs on the asset page", async () => {
      await page.reload();
      return (await page.textContent("[data-testid=fresh-count]")) === `2 of ${total} fresh`;
    });
    expect(await cellState(page, "shop/orders", "2024-01")).toBe("fresh");
    expect(await cellState(page, "shop/orders", BAD_MONTH)).toBe("failed");
    expect(await cellState(page, "shop/orders", "2024-04")).toBe("missing");
    expect(await page.textContent(`[data-testid=problems] tr[data-partition="${BAD_MONTH}"]`)).toContain("amount_not_negative");
    await screenshot(page, "ui-asset.png");
    // A cell of the painted matrix opens its partition (2024-02 is the row's second cell).
    await Promise.all([page.waitForURL(/\/partition\?asset=shop%2Forders&key=2024-02$/), page.click(".matrix[data-asset=\"shop/orders\"] canvas.cells", { position: { x: CELL_PITCH + 5, y: 7 } })]);

    await page.goto(`${ui.url}/asset?key=shop/revenue`);
    await waitFor("the runs on revenue's page", async () => {
      await page.reload();
      return (await cellState(page, "shop/revenue", "2024-03")) === "fresh";
    });
    expect(await cellState(page, "shop/revenue", BAD_MONTH)).toBe("missing");

    await page.goto(`${ui.url}/partition?asset=shop/orders&key=${BAD_MONTH}`);
    expect(await page.textContent("[data-testid=partition-state]")).toBe("failed");
    expect(await page.getAttribute('[data-testid=checks] tr[data-check="amount_not_negative"]', "data-passed")).toBe("false");
    const sample = await page.textContent("[data-testid=failing-sample]");
    expect(sample).toContain("999999");
    expect(sample).toContain("-5");
    await screenshot(page, "ui-partition-failed-check.png");

    // A published partition: manifest, schema, run link into the Temporal Web UI.
    await page.goto(`${ui.url}/partition?asset=shop/orders&key=2024-01`);
    expect(await page.textContent("[data-testid=rows]")).toBe("50");
    const runLink = await page.getAttribute("[data-testid=run-link]", "href");
    expect(runLink).toBe(`${harness.config.temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent("materia-run:sel-" + runLink!.split("sel-")[1]!.split("%3A")[0] + ":2024-01")}`);
    expect(await page.textContent("[data-testid=schema]")).toContain("order_id");

    // The checks page lists the failure first.
    await page.goto(`${ui.url}/checks`);
    const first = await page.textContent("[data-testid=check-results] tr[data-passed]");
    expect(first).toContain(BAD_MONTH);
    expect(first).toContain("amount_not_negative");
  });

  it("a materialize action starts a run that the page then shows fresh without a reload", async () => {
    await page.goto(`${ui.url}/asset?key=shop/revenue`);
    await page.waitForSelector("[data-testid=matrix]");
    expect(await cellState(page, "shop/revenue", "2024-05")).toBe("missing");
    await page.fill("[data-testid=materialize-partitions]", "2024-05");
    await page.check("input[name=upstream]");
    await Promise.all([page.waitForURL(/started=/), page.click("[data-testid=materialize-submit]")]);
    const started = await page.textContent("[data-testid=started-run]");
    expect(started).toMatch(/^materia-run:sel-[0-9a-z]+:2024-05$/);
    // The Temporal Web UI's list says what the run is.
    const description = await harness.client.workflow.getHandle(started!).describe();
    expect(await description.staticSummary()).toBe("+key:shop/revenue · 2024-05 · 2 assets");
    expect(await description.staticDetails()).toContain("**started by**: materia ui");
    // The matrix refreshes itself (htmx polling): wait for the cell to turn fresh in this same page.
    await waitForCell(page, "shop/revenue", "2024-05", "fresh", 120_000);
    // …and repaints it: the swapped-in canvas shows the fresh colour at 2024-05 (the row's fifth cell).
    const pixel = await waitFor("the repainted cell", async () => {
      const rgb = await page.evaluate<number[]>(`(() => {
        const canvas = document.querySelector('.matrix[data-asset="shop/revenue"] canvas.cells');
        return Array.from(canvas.getContext("2d").getImageData(${4 * CELL_PITCH + 4}, 7, 1, 1).data.slice(0, 3));
      })()`);
      return rgb.join(",") === "47,158,68" ? rgb : undefined;
    });
    expect(pixel).toEqual([47, 158, 68]);

    // The Temporal Web UI's own page of the run says what it is (its screenshot for the README).
    await page.goto(`${requireEnv("MATERIA_TEST_TEMPORAL_UI_URL")}/namespaces/default/workflows/${encodeURIComponent(started!)}`);
    await page.waitForSelector("text=+key:shop/revenue · 2024-05 · 2 assets", { timeout: 60_000 });
    await page.click("text=User Metadata").catch(() => undefined);
    await screenshot(page, "temporal-run-summary.png");

    await page.goto(`${ui.url}/runs`);
    await waitFor("the run in the runs list", async () => {
      await page.reload();
      return (await page.$(`[data-testid=runs] tr[data-workflow="${started}"][data-status="COMPLETED"]`)) !== null;
    });
    await screenshot(page, "ui-runs.png");
  });

  it("a backfill action starts the backfill workflow and its page follows it live", async () => {
    await page.goto(`${ui.url}/asset?key=shop/orders`);
    await page.fill("[data-testid=backfill-form] input[name=from]", "2024-04");
    await page.fill("[data-testid=backfill-form] input[name=to]", "2024-05");
    await page.selectOption("[data-testid=backfill-form] select[name=skip]", "fresh");
    await Promise.all([page.waitForURL(/\/backfill\?id=materia-backfill/), page.click("[data-testid=backfill-form] button[type=submit]")]);
    // The fragment polls the progress query until the workflow closes.
    await page.waitForSelector('#backfill[data-status="COMPLETED"]', { timeout: 180_000 });
    const backfillId = new URL(page.url()).searchParams.get("id")!;
    expect(await (await harness.client.workflow.getHandle(backfillId).describe()).staticSummary()).toBe("backfill key:shop/orders+ · 2024-04..2024-05 · 2 assets");
    expect(await page.textContent("[data-testid=backfill-counts]")).toMatch(/\b2 done\b.*\b2 skipped\b/);
    await screenshot(page, "ui-backfill.png");
    await page.goto(`${ui.url}/asset?key=shop/revenue`);
    expect(await cellState(page, "shop/revenue", "2024-04")).toBe("fresh");
  });

  it("a running backfill shows its per-partition grid, and its partitions as running, live", async () => {
    let open!: () => void;
    resources.gate = new Promise<void>((resolve) => (open = resolve));
    try {
      await page.goto(`${ui.url}/asset?key=shop/slow`);
      await page.fill("[data-testid=backfill-form] input[name=from]", "2024-01");
      await page.fill("[data-testid=backfill-form] input[name=to]", "2024-06");
      await Promise.all([page.waitForURL(/\/backfill\?id=/), page.click("[data-testid=backfill-form] button[type=submit]")]);
      await page.waitForSelector("[data-testid=backfill-grid] i.g-running", { timeout: 120_000 });
      expect(await page.getAttribute("#backfill", "data-status")).toBe("RUNNING");
      await screenshot(page, "ui-backfill-running.png");
      await page.goto(`${ui.url}/asset?key=shop/slow`);
      await waitForCell(page, "shop/slow", "2024-01", "running", 60_000);
    } finally {
      open();
      delete resources.gate;
    }
    await waitForCell(page, "shop/slow", "2024-06", "fresh", 180_000);
  });

  it("rollback, after its confirmation, changes the current version", async () => {
    const before = (await harness.env.catalog.readManifest("shop/orders", "2024-01"))!;
    resources.scale = 2;
    await page.goto(`${ui.url}/partition?asset=shop/orders&key=2024-01`);
    await Promise.all([page.waitForURL(/started=/), page.click("[data-testid=materialize-partition]")]);
    const changed = await waitFor("the new version of shop/orders[2024-01]", async () => {
      const manifest = await harness.env.catalog.readManifest("shop/orders", "2024-01");
      return manifest && manifest.dataVersion !== before.dataVersion ? manifest : undefined;
    });
    // Downstream is stale now, and its page says why.
    // (the index follows the manifest write, and the UI caches an index read for a second)
    await page.goto(`${ui.url}/partition?asset=shop/revenue&key=2024-01`);
    await waitFor("shop/revenue[2024-01] to show stale", async () => {
      await page.reload();
      return (await page.textContent("[data-testid=partition-state]")) === "stale";
    });
    expect(await page.textContent("[data-testid=stale-causes]")).toContain("shop/orders[2024-01] changed");

    await page.goto(`${ui.url}/partition?asset=shop/orders&key=2024-01`);
    expect(await page.textContent("[data-testid=data-version]")).toBe(changed.dataVersion);
    await page.click(`[data-testid=history] tr[data-version="${before.dataVersion}"] [data-testid=rollback]`);
    await page.waitForSelector("[data-testid=rollback-confirm]");
    await Promise.all([page.waitForURL(/rolledBack=/), page.click("[data-testid=rollback-confirm]")]);
    expect(await page.textContent("[data-testid=data-version]")).toBe(before.dataVersion);
    expect((await harness.env.catalog.readManifest("shop/orders", "2024-01"))!.dataVersion).toBe(before.dataVersion);
    await screenshot(page, "ui-partition.png");
    // Back at the version revenue was made from: fresh again.
    await page.goto(`${ui.url}/partition?asset=shop/revenue&key=2024-01`);
    expect(await page.textContent("[data-testid=partition-state]")).toBe("fresh");
  });

  it("sends no setting's secret value to the page", async () => {
    const secrets = { MATERIA_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/uiSecretSlack42", MATERIA_WEBHOOK_URL: "https://ops.example.com/uiSecretHook42", MATERIA_WEBHOOK_SECRET: "uiSecretSharedSecret42", TEMPORAL_API_KEY: "uiSecretApiKey42" };
    const config = testConfig(secrets);
    const secretUi = await startUi(config, createLogger({ level: "silent", format: "json" }), { port: 0, host: "127.0.0.1", definitions: () => definitions, store: harness.env.store, temporal: async () => harness.client });
    try {
      const pages = ["/", "/asset?key=shop/orders", "/partition?asset=shop/orders&key=2024-01", `/partition?asset=shop/orders&key=${BAD_MONTH}`, "/checks", "/runs", "/automation", "/static/ui.js"];
      for (const path of pages) {
        const body = await (await fetch(`${secretUi.url}${path}`)).text();
        for (const value of Object.values(secrets)) expect(body).not.toContain(value);
        expect(body).not.toContain("uiSecret");
      }
    } finally {
      await secretUi.close();
    }
  });

  it("refuses an action without the page's token or from another origin", async () => {
    const form = new URLSearchParams({ asset: "shop/orders", partitions: "2024-06" });
    const noToken = await fetch(`${ui.url}/actions/materialize`, { method: "POST", body: form, redirect: "manual" });
    expect(noToken.status).toBe(403);
    const html = await (await fetch(`${ui.url}/asset?key=shop/orders`)).text();
    const token = /name="csrf" value="([0-9a-f]+)"/.exec(html)![1]!;
    const crossSite = await fetch(`${ui.url}/actions/materialize`, { method: "POST", body: new URLSearchParams({ ...Object.fromEntries(form), csrf: token }), headers: { origin: "http://evil.example" }, redirect: "manual" });
    expect(crossSite.status).toBe(403);
    expect(await harness.env.catalog.readManifest("shop/orders", "2024-06")).toBeUndefined();
    // Paths name assets and partitions of the definitions only.
    expect((await fetch(`${ui.url}/partition?asset=${encodeURIComponent("../../etc")}&key=x`)).status).toBe(404);
    expect((await fetch(`${ui.url}/partition?asset=shop/orders&key=${encodeURIComponent("../../../x")}`)).status).toBe(404);
  });
});
