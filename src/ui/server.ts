/**
 * The asset UI's HTTP server (Hono on Node): pages, live fragments that the
 * pages poll through htmx, and the actions. Every read goes through the
 * catalog by asset key and partition key, both validated against the
 * definitions first, so no path reaches outside the catalog.
 */
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { MateriaError, selectAssets, type Definitions } from "../core";
import { manifestPrefix } from "../resources/catalog";
import { backfillAction, flashFor, materializeAction, readForm, rollbackAction, assertSameOrigin, UiActionError } from "./actions";
import { htmxScript, UI_CSS, UI_JS } from "./assets";
import type { UiContext } from "./context";
import { html, page, type Html } from "./html";
import { assetFragment, assetPage } from "./pages/asset";
import { checksPage } from "./pages/checks";
import { graphFragment, graphPage, layoutGraph } from "./pages/graph";
import { partitionPage } from "./pages/partition";
import { automationPage, backfillFragment, backfillPage, runsFragment, runsPage } from "./pages/runs";
import { createServices, type UiServices } from "./services";
import type { RunsFilter } from "./temporal-view";

class NotFound extends MateriaError {
  constructor(message: string, hint?: string) {
    super("NOT_FOUND", message, hint === undefined ? {} : { hint });
  }
}

function assetParam(definitions: Definitions, key: string | undefined): string {
  if (!key || !definitions.graph.has(key)) throw new NotFound(`No asset "${key ?? ""}".`, "Pick one in the asset graph.");
  return key;
}

function partitionParam(definitions: Definitions, asset: string, key: string | undefined): string | null {
  const partitions = definitions.graph.node(asset).partitions;
  if (!partitions) return null;
  if (!key) throw new NotFound(`"${asset}" is partitioned: which partition?`);
  try {
    partitions.validateKey(key);
  } catch (error) {
    throw new NotFound(error instanceof Error ? error.message : String(error));
  }
  return key;
}

function errorPage(c: Context, error: unknown): Response {
  const status = error instanceof UiActionError ? error.status : error instanceof NotFound ? 404 : error instanceof MateriaError ? 400 : 500;
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof MateriaError ? error.hint : undefined;
  const body = html`<h1>${status === 404 ? "Not found" : status === 403 ? "Refused" : "Could not do that"}</h1><pre class="error" data-testid="error">${message}</pre>${hint ? html`<p>${hint}</p>` : ""}<p><a href="/">Back to the assets</a></p>`;
  return c.html(page("Error", "", body), status);
}

function filterOf(c: Context): RunsFilter {
  const pick = (name: string) => c.req.query(name) || undefined;
  return { ...(pick("kind") ? { kind: pick("kind") } : {}), ...(pick("job") ? { job: pick("job") } : {}), ...(pick("partition") ? { partition: pick("partition") } : {}), ...(pick("asset") ? { asset: pick("asset") } : {}) };
}

export function createUiApp(services: UiServices): Hono {
  const app = new Hono();
  const definitions = () => services.ctx.definitions();
  const full = (title: string, active: string, body: Html) => page(title, active, body);
  const fragment = (c: Context, body: Html) => c.html(body.value);

  app.onError((error, c) => {
    if (!(error instanceof MateriaError)) services.ctx.log.error({ err: error, path: c.req.path }, "ui: request failed");
    return errorPage(c, error);
  });
  app.notFound((c) => errorPage(c, new NotFound(`No page ${c.req.path}.`)));

  app.get("/static/ui.css", (c) => c.body(UI_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "max-age=300" }));
  app.get("/static/ui.js", (c) => c.body(UI_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "max-age=300" }));
  app.get("/static/htmx.min.js", (c) => c.body(htmxScript(), 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "max-age=3600" }));
  app.get("/api/health", (c) => c.json({ ok: true }));

  app.get("/", async (c) => c.html(full("Assets", "/", await graphPage(services, c.req.query("select") ?? ""))));
  app.get("/fragments/graph", async (c) => fragment(c, await graphFragment(services, c.req.query("select") ?? "")));

  app.get("/asset", async (c) => {
    const asset = assetParam(definitions(), c.req.query("key"));
    const flash = flashFor(services, { started: c.req.queries("started") ?? [] });
    return c.html(full(asset, "/", await assetPage(services, asset, flash)));
  });
  app.get("/fragments/asset", async (c) => fragment(c, await assetFragment(services, assetParam(definitions(), c.req.query("key")))));

  app.get("/partition", async (c) => {
    const asset = assetParam(definitions(), c.req.query("asset"));
    const partition = partitionParam(definitions(), asset, c.req.query("key"));
    const flash = flashFor(services, { started: c.req.queries("started") ?? [], ...(c.req.query("rolledBack") ? { rolledBack: c.req.query("rolledBack") } : {}) });
    return c.html(full(`${asset} ${partition ?? ""}`, "/", await partitionPage(services, asset, partition, flash)));
  });

  app.get("/checks", async (c) => c.html(full("Checks", "/checks", await checksPage(services))));
  app.get("/runs", async (c) => c.html(full("Runs", "/runs", await runsPage(services, filterOf(c)))));
  app.get("/fragments/runs", async (c) => fragment(c, await runsFragment(services, filterOf(c))));
  app.get("/backfill", async (c) => {
    const id = c.req.query("id");
    if (!id) throw new NotFound("Which backfill? Give ?id=<workflow id>.");
    return c.html(full("Backfill", "/runs", await backfillPage(services, id, flashFor(services, { backfillStarted: c.req.query("started") === "1" }))));
  });
  app.get("/fragments/backfill", async (c) => fragment(c, await backfillFragment(services, c.req.query("id") ?? "")));
  app.get("/automation", async (c) => c.html(full("Schedules and sensors", "/automation", await automationPage(services))));

  app.post("/actions/materialize", async (c) => {
    const form = await readForm(c);
    assertSameOrigin(c, services, form);
    return c.redirect(await materializeAction(services, form), 303);
  });
  app.post("/actions/backfill", async (c) => {
    const form = await readForm(c);
    assertSameOrigin(c, services, form);
    return c.redirect(await backfillAction(services, form), 303);
  });
  app.post("/actions/rollback", async (c) => {
    const form = await readForm(c);
    assertSameOrigin(c, services, form);
    const outcome = await rollbackAction(services, form);
    return "redirect" in outcome ? c.redirect(outcome.redirect, 303) : c.html(full("Roll back?", "/", outcome.page));
  });
  return app;
}

/**
 * Before listening: lay out the whole graph (dagre takes most of a second
 * for a few hundred assets; the layout is cached per definitions) and read
 * every index once, so the first visitor does not wait for either.
 */
async function warmUp(services: UiServices): Promise<void> {
  try {
    const definitions = services.ctx.definitions();
    await indexOlderLakes(services, definitions);
    layoutGraph(definitions, selectAssets(definitions.graph, "*"));
    await services.catalog.rows(definitions, definitions.graph.keys(), new Set());
  } catch (error) {
    services.ctx.log.warn({ err: error }, "ui: warming up failed; pages compute it on first use");
  }
}

/**
 * A lake published before the partition index existed has manifests and no
 * index: build each such asset's index from its manifests once (derived
 * data only), so the UI does not show it all as missing.
 */
async function indexOlderLakes(services: UiServices, definitions: Definitions): Promise<void> {
  const { catalog, store, log } = services.ctx;
  const queue = definitions.graph.keys().filter((key) => definitions.graph.node(key).kind !== "source");
  const work = async (): Promise<void> => {
    for (let asset = queue.shift(); asset !== undefined; asset = queue.shift()) {
      if ((await catalog.index.generation(asset)) !== -1) continue;
      if ((await store.list(manifestPrefix(asset))).length === 0) continue;
      const { partitions } = await catalog.reindex(asset);
      log.info({ asset, partitions }, "ui: built the partition index of an asset published before it had one");
    }
  };
  await Promise.all(Array.from({ length: 8 }, work));
}

export interface RunningUi {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serve the UI on `host:port` (port 0: any free one). Resolves once it listens. */
export async function startUiServer(ctx: UiContext, options: { port: number; host: string }): Promise<RunningUi> {
  const services = createServices(ctx);
  await warmUp(services);
  const app = createUiApp(services);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  return {
    url: `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
