/**
 * The UI's actions — materialize, backfill, rollback — as form POSTs. Each
 * is refused unless it carries the server's token and comes from its own
 * origin (a cross-site page can neither read the token nor pass the Origin
 * check). Runs and backfills start through the same client functions as
 * the CLI, so they are the same workflows with the same ids.
 */
import type { Context } from "hono";
import { materializableKeys, MateriaError, selectAssets } from "../core";
import { startBackfillWorkflow, startRun } from "../temporal/client";
import type { SkipMode } from "../temporal/backfill-shared";
import { assetHref, html, partitionHref, query, type Html } from "./html";
import { rollbackConfirmPage } from "./pages/partition";
import { tokenMatches, type UiServices } from "./services";
import { workflowLink } from "./context";

export class UiActionError extends MateriaError {
  constructor(message: string, hint?: string, readonly status: 400 | 403 | 404 | 503 = 400) {
    super("UI_ACTION", message, hint === undefined ? {} : { hint });
  }
}

/** Materializing more partitions than this at once is a backfill. */
const MAX_RUNS_PER_ACTION = 31;
const SKIP_MODES: readonly SkipMode[] = ["none", "existing", "fresh"];

type Form = Record<string, string>;

export async function readForm(c: Context): Promise<Form> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** Same origin (when the browser says where the request comes from) and the page's token. */
export function assertSameOrigin(c: Context, services: UiServices, form: Form): void {
  const site = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  const host = c.req.header("host");
  if (site !== undefined && site !== "same-origin" && site !== "none") throw new UiActionError("Refused: the request came from another site.", undefined, 403);
  if (origin !== undefined && origin !== "null" && host !== undefined && new URL(origin).host !== host) throw new UiActionError(`Refused: the request's origin ${origin} is not this server.`, undefined, 403);
  if (!tokenMatches(services.csrfToken, form.csrf)) throw new UiActionError("Refused: the form's token is missing or stale.", "Reload the page and try again (the token changes when the UI restarts).", 403);
}

function knownAsset(services: UiServices, key: string | undefined): string {
  const { graph } = services.ctx.definitions();
  if (!key || !graph.has(key)) throw new UiActionError(`No asset "${key ?? ""}".`, undefined, 404);
  if (graph.node(key).kind === "source") throw new UiActionError(`"${key}" is a source asset: it is observed, not materialized.`);
  return key;
}

async function client(services: UiServices) {
  const connected = await services.ctx.temporal();
  if (!connected) throw new UiActionError("The Temporal server is unreachable: nothing was started.", "Start it with `materia dev` (or check TEMPORAL_ADDRESS) and try again.", 503);
  return connected;
}

export async function materializeAction(services: UiServices, form: Form): Promise<string> {
  const asset = knownAsset(services, form.asset);
  const definitions = services.ctx.definitions();
  const partitions = definitions.graph.node(asset).partitions;
  const keys = (form.partitions ?? "").split(/[\s,]+/).filter(Boolean);
  if (partitions && keys.length === 0) throw new UiActionError(`"${asset}" is partitioned (${partitions.keyFormat}): give at least one partition key.`);
  if (keys.length > MAX_RUNS_PER_ACTION) throw new UiActionError(`${keys.length} partitions at once: use a backfill for more than ${MAX_RUNS_PER_ACTION}.`);
  for (const key of keys) partitions?.validateKey(key, await services.catalog.partitionContext(definitions));
  const selection = form.upstream === "1" ? `+key:${asset}` : `key:${asset}`;
  const assets = materializableKeys(definitions.graph, selectAssets(definitions.graph, selection));
  const temporal = await client(services);
  const started: string[] = [];
  for (const partition of partitions ? keys : [undefined]) {
    const { workflowId } = await startRun(temporal, services.ctx.settings.taskQueue, { selection, ...(partition !== undefined ? { partitions: [partition] } : {}) }, { assets, startedBy: "materia ui" });
    started.push(workflowId);
  }
  services.invalidate();
  return `${assetHref(asset)}&${new URLSearchParams(started.map((id): [string, string] => ["started", id])).toString()}`;
}

export async function backfillAction(services: UiServices, form: Form): Promise<string> {
  const asset = knownAsset(services, form.asset);
  const definitions = services.ctx.definitions();
  const partitions = definitions.graph.node(asset).partitions;
  if (!partitions) throw new UiActionError(`"${asset}" is not partitioned: materialize it instead.`);
  const from = form.from ?? "";
  const to = form.to ?? "";
  partitions.keysInRange(from, to, await services.catalog.partitionContext(definitions));
  const skip = (form.skip ?? "none") as SkipMode;
  if (!SKIP_MODES.includes(skip)) throw new UiActionError(`Skip must be one of ${SKIP_MODES.join(", ")}.`);
  const selection = form.downstream === "1" ? `key:${asset}+` : `key:${asset}`;
  const assets = materializableKeys(definitions.graph, selectAssets(definitions.graph, selection));
  const handle = await startBackfillWorkflow(await client(services), services.ctx.settings.taskQueue, { selection, from, to, skip }, { assets, startedBy: "materia ui" });
  services.invalidate();
  return `/backfill${query({ id: handle.workflowId, started: "1" })}`;
}

/** Without `confirmed=yes`, the confirmation page; with it, the rollback and where to go next. */
export async function rollbackAction(services: UiServices, form: Form): Promise<{ redirect: string } | { page: Html }> {
  const asset = knownAsset(services, form.asset);
  const definitions = services.ctx.definitions();
  const partitionsDef = definitions.graph.node(asset).partitions;
  const partition = partitionsDef ? (form.partition ?? "") : null;
  if (partition !== null) partitionsDef?.validateKey(partition, await services.catalog.partitionContext(definitions));
  const to = form.to ?? "";
  if (!/^[0-9a-f]{6,64}$/.test(to)) throw new UiActionError("Give the data version (sha256) to roll back to.");
  if (form.confirmed !== "yes") return { page: await rollbackConfirmPage(services, asset, partition, to) };
  const manifest = await services.ctx.catalog.rollback(asset, partition, to);
  services.invalidate();
  return { redirect: `${partitionHref(asset, partition)}&${query({ rolledBack: manifest.dataVersion }).slice(1)}` };
}

/** The line at the top of a page after an action (from the redirect's query, escaped like everything else). */
export function flashFor(services: UiServices, params: { started?: string[]; rolledBack?: string; backfillStarted?: boolean }): Html | undefined {
  if (params.started && params.started.length > 0) {
    return html`<p class="banner ok" data-testid="flash">Started (or joined) ${params.started.map((id) => html`<a href="${workflowLink(services.ctx.settings, id)}" target="_blank" rel="noopener" data-testid="started-run">${id}</a> `)}</p>`;
  }
  if (params.rolledBack) return html`<p class="banner ok" data-testid="flash">Rolled back: now at version <code>${params.rolledBack.slice(0, 12)}</code>. Downstream partitions are stale until re-materialized.</p>`;
  if (params.backfillStarted) return html`<p class="banner ok" data-testid="flash">Backfill started.</p>`;
  return undefined;
}
