/**
 * One asset: its partition health matrix (every partition coloured by
 * state, rows by month, year or day depending on the granularity), counts
 * ("173 of 185 fresh"), why the non-fresh ones are what they are, and the
 * materialize and backfill actions.
 */
import { describeCause, isTimePartitions, type AssetNode } from "../../core";
import { CELL_CLASS, CELL_PITCH, STATE_COLOURS } from "../assets";
import { assetHref, html, partitionHref, query, raw, type Html } from "../html";
import { countStates, PARTITION_STATES, type PartitionRow } from "../partition-states";
import type { UiServices } from "../services";

const LISTED_PROBLEMS = 100;

/** Rows of the matrix: a month of days, a year of months, a day of hours, else runs of 50. */
function matrixGroups(node: AssetNode, rows: readonly PartitionRow[]): Array<[string, PartitionRow[]]> {
  const partitions = node.partitions;
  let keyOf: (key: string, i: number) => string = (_k, i) => String(Math.floor(i / 50) * 50);
  if (partitions && isTimePartitions(partitions)) {
    const cut = partitions.granularity === "daily" ? 7 : partitions.granularity === "monthly" ? 4 : 10;
    keyOf = (key) => key.slice(0, cut);
  }
  const out = new Map<string, PartitionRow[]>();
  rows.forEach((row, i) => {
    const label = row.partition === null ? "-" : keyOf(row.partition, i);
    const list = out.get(label) ?? [];
    list.push(row);
    out.set(label, list);
  });
  return [...out.entries()];
}

/**
 * One matrix row: a canvas ui.js paints from the row's state letters (one
 * per partition). 10,000 partitions are a few hundred elements and a string,
 * not 10,000 elements for the browser to parse and lay out.
 */
function matrixRow(label: string, rows: readonly PartitionRow[], first: number): Html {
  let states = "";
  for (const r of rows) states += CELL_CLASS[r.state];
  return html`<div class="mrow"><span class="label">${label}</span><canvas class="cells" width="${rows.length * CELL_PITCH}" height="14" data-first="${first}" data-states="${states}"></canvas></div>`;
}

function matrixRows(matrix: ReadonlyArray<[string, PartitionRow[]]>): Html[] {
  let first = 0;
  return matrix.map(([label, list]) => {
    const row = matrixRow(label, list, first);
    first += list.length;
    return row;
  });
}

export function countsLine(rows: readonly PartitionRow[]): Html {
  const counts = countStates(rows);
  return html`<p class="counts" data-testid="counts"><strong data-testid="fresh-count">${counts.fresh} of ${rows.length} fresh</strong>${PARTITION_STATES.filter((s) => s !== "fresh" && counts[s] > 0).map(
    (s) => html` · <span class="t-${s}" data-state-count="${s}">${counts[s]} ${s}</span>`,
  )}</p>`;
}

function whyText(row: PartitionRow): string {
  if (row.state === "stale") return row.causes.map(describeCause).join("; ");
  if (row.state === "failed") return `blocking check failed: ${row.entry?.checks?.failedChecks.join(", ") ?? "?"} (nothing published by run ${row.entry?.checks?.runId ?? "?"})`;
  if (row.state === "check-failed") return `failed checks: ${row.entry?.checks?.failedChecks.join(", ") ?? "?"}`;
  if (row.state === "running") return "a run is under way";
  return "";
}

export async function assetFragment(services: UiServices, asset: string): Promise<Html> {
  const definitions = services.ctx.definitions();
  const node = definitions.graph.node(asset);
  const running = await services.temporal.runningPartitions(definitions).catch(() => new Set<string>());
  const rows = (await services.catalog.rows(definitions, [asset], running)).get(asset) ?? [];
  const problems = rows.filter((r) => r.state !== "fresh" && r.state !== "missing");
  const matrix = matrixGroups(node, rows);
  return html`<div id="asset-live" hx-get="/fragments/asset${query({ key: asset })}" hx-trigger="every 5s" hx-swap="outerHTML">
${countsLine(rows)}
<div class="matrix" data-testid="matrix" data-asset="${asset}" data-partitions="${rows.length}">${matrixRows(matrix)}
<script type="application/json" class="matrix-keys">${raw(JSON.stringify(rows.map((r) => r.partition ?? "")).replace(/</g, "\\u003c"))}</script></div>
${
  problems.length === 0
    ? html``
    : html`<h2>Not fresh (${problems.length}${problems.length > LISTED_PROBLEMS ? `, first ${LISTED_PROBLEMS}` : ""})</h2>
<table data-testid="problems"><tr><th>partition</th><th>state</th><th>why</th><th>rows</th><th>published</th></tr>
${problems.slice(0, LISTED_PROBLEMS).map(
  (r) => html`<tr data-partition="${r.partition ?? ""}"><td><a href="${partitionHref(asset, r.partition)}">${r.partition ?? "(unpartitioned)"}</a></td><td><span class="pill s-${r.state}">${r.state}</span></td><td>${whyText(r)}</td><td>${r.entry?.version?.rows ?? "-"}</td><td>${r.entry?.version?.publishedAt ?? "-"}</td></tr>`,
)}</table>`
}
</div>`;
}

export async function assetPage(services: UiServices, asset: string, flash: Html | undefined): Promise<Html> {
  const definitions = services.ctx.definitions();
  const node = definitions.graph.node(asset);
  const { graph } = definitions;
  const partitions = node.partitions;
  const context = await services.catalog.partitionContext(definitions);
  const keys = partitions ? partitions.keys(context) : [];
  const latest = keys[keys.length - 1];
  const link = (key: string) => html`<a href="${assetHref(key)}">${key}</a> `;
  return html`<h1>${asset} <span class="muted">${node.kind === "source" ? "source asset" : ""}</span></h1>
${flash ?? ""}
<div class="cols">
<table>
<tr><th>group</th><td><a href="/${query({ select: `group:${node.group}` })}">${node.group}</a></td></tr>
${node.description ? html`<tr><th>description</th><td>${node.description}</td></tr>` : ""}
<tr><th>partitions</th><td>${partitions ? `${partitions.kind} · ${partitions.keyFormat} · ${keys.length} keys` : "unpartitioned"}</td></tr>
<tr><th>code version</th><td><code>${node.codeVersion ?? "-"}</code></td></tr>
<tr><th>owners</th><td>${node.owners.join(", ") || "-"}</td></tr>
<tr><th>tags</th><td>${Object.entries(node.tags).map(([k, v]) => `${k}=${v}`).join(", ") || "-"}</td></tr>
<tr><th>upstream</th><td>${graph.parents(asset).map(link)}</td></tr>
<tr><th>downstream</th><td>${graph.children(asset).map(link)}</td></tr>
<tr><th>checks</th><td>${node.checks.map((c) => html`<code>${c.name}</code>${c.blocking ? " (blocking)" : ""} `)}</td></tr>
</table>
${node.kind === "source" ? "" : actionsPanel(services, asset, partitions !== undefined, latest, keys[0])}
</div>
<h2>Partitions</h2>
<p class="legend">${Object.entries(STATE_COLOURS).map(([s, c]) => html`<span><i style="background:${c}"></i>${s}</span>`)}<span class="muted">click a cell for its partition</span></p>
${node.kind === "source" ? html`<p class="muted">A source asset is observed, not materialized.</p>` : await assetFragment(services, asset)}`;
}

function actionsPanel(services: UiServices, asset: string, partitioned: boolean, latest: string | undefined, first: string | undefined): Html {
  const token = html`<input type="hidden" name="csrf" value="${services.csrfToken}">`;
  return html`<div class="actions">
<h2>Materialize</h2>
<form method="post" action="/actions/materialize" data-testid="materialize-form">${token}<input type="hidden" name="asset" value="${asset}">
${partitioned ? html`<input type="text" name="partitions" size="30" value="${latest ?? ""}" placeholder="partition keys, space-separated" data-testid="materialize-partitions"> ` : ""}
<label><input type="checkbox" name="upstream" value="1"> with upstream</label>
<button type="submit" data-testid="materialize-submit">Materialize</button></form>
${
  partitioned
    ? html`<h2>Backfill</h2>
<form method="post" action="/actions/backfill" data-testid="backfill-form">${token}<input type="hidden" name="asset" value="${asset}">
from <input type="text" name="from" size="12" value="${first ?? ""}"> to <input type="text" name="to" size="12" value="${latest ?? ""}">
skip <select name="skip"><option value="none">none</option><option value="existing">existing</option><option value="fresh" selected>fresh</option></select>
<label><input type="checkbox" name="downstream" value="1" checked> with downstream</label>
<button type="submit">Backfill</button></form>`
    : ""
}
</div>`;
}
