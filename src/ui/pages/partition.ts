/**
 * One asset partition: its manifest (rows, bytes, schema, sha256, code
 * version, upstream versions with links, the run in the Temporal Web UI,
 * time per phase, metadata), why it is stale, its latest check results with
 * their failing sample rows, its version history and the rollback action.
 */
import { describeCause } from "../../core";
import type { CheckResult, Manifest } from "../../resources/catalog";
import { workflowLink } from "../context";
import { formatTime, html, partitionHref, shortVersion, assetHref, type Html } from "../html";
import type { PartitionRow } from "../partition-states";
import type { UiServices } from "../services";

function sampleTable(rows: ReadonlyArray<Record<string, unknown>>): Html {
  if (rows.length === 0) return html``;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown): string => (v === null || v === undefined ? "∅" : typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" || typeof v === "bigint" ? v.toString() : JSON.stringify(v));
  return html`<table class="sample" data-testid="failing-sample"><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr>${rows.map((r) => html`<tr>${columns.map((c) => html`<td>${cell(r[c])}</td>`)}</tr>`)}</table>`;
}

function checksTable(services: UiServices, results: readonly CheckResult[]): Html {
  const sorted = [...results].sort((a, b) => Number(a.passed) - Number(b.passed));
  return html`<table data-testid="checks"><tr><th>check</th><th>result</th><th>measured</th><th>threshold</th><th>failing rows</th><th>message</th><th>run</th></tr>
${sorted.map(
  (r) => html`<tr data-check="${r.check}" data-passed="${String(r.passed)}"><td><code>${r.check}</code>${r.blocking ? " (blocking)" : ""}</td>
<td><span class="pill ${r.passed ? "s-fresh" : r.severity === "warn" ? "s-stale" : "s-failed"}">${r.passed ? "passed" : r.severity === "warn" ? "warn" : "failed"}</span></td>
<td>${r.measured ?? "-"}</td><td>${r.threshold ?? "-"}</td><td>${r.failingCount ?? "-"}</td><td>${r.message ?? ""}</td>
<td><a href="${workflowLink(services.ctx.settings, r.runId)}" target="_blank" rel="noopener">${r.runId}</a> <span class="muted">${formatTime(r.evaluatedAt)}</span></td></tr>
${r.passed || r.failingSample.length === 0 ? "" : html`<tr><td></td><td colspan="6">${sampleTable(r.failingSample)}</td></tr>`}`,
)}</table>`;
}

function manifestTable(services: UiServices, manifest: Manifest, currentCodeVersion: string | undefined): Html {
  const phases = manifest.phasesMs;
  return html`<table data-testid="manifest">
<tr><th>rows</th><td data-testid="rows">${manifest.rowCount}</td></tr>
<tr><th>bytes</th><td>${manifest.bytes}</td></tr>
<tr><th>data version (sha256)</th><td><code data-testid="data-version">${manifest.dataVersion}</code></td></tr>
<tr><th>code version</th><td><code>${manifest.codeVersion}</code>${currentCodeVersion !== undefined && currentCodeVersion !== manifest.codeVersion ? html` <span class="t-stale">(code is now ${currentCodeVersion})</span>` : ""}</td></tr>
<tr><th>run</th><td><a data-testid="run-link" href="${workflowLink(services.ctx.settings, manifest.runId)}" target="_blank" rel="noopener">${manifest.runId}</a></td></tr>
<tr><th>published</th><td>${formatTime(manifest.publishedAt)} <span class="muted">(started ${formatTime(manifest.startedAt)}, ${manifest.durationMs} ms)</span></td></tr>
<tr><th>time per phase</th><td>${phases ? Object.entries(phases).map(([k, v]) => `${k} ${v} ms`).join(" · ") : html`<span class="muted">not recorded</span>`}</td></tr>
<tr><th>upstream</th><td>${
    manifest.upstream.length === 0
      ? "-"
      : manifest.upstream.map((u) => html`<div><a href="${u.partition === null ? assetHref(u.asset) : partitionHref(u.asset, u.partition)}">${u.asset}${u.partition === null ? "" : `[${u.partition}]`}</a> <code>${shortVersion(u.dataVersion)}</code></div>`)
  }</td></tr>
${manifest.runConfig !== undefined ? html`<tr><th>run config</th><td><code>${JSON.stringify(manifest.runConfig)}</code></td></tr>` : ""}
${Object.keys(manifest.metadata).length > 0 ? html`<tr><th>metadata</th><td>${Object.entries(manifest.metadata).map(([k, v]) => html`<div><code>${k}</code>: ${typeof v === "object" ? JSON.stringify(v) : String(v as string)}</div>`)}</td></tr>` : ""}
</table>
<h2>Schema (${manifest.schema.length} columns)</h2>
<table data-testid="schema"><tr><th>column</th><th>type</th></tr>${manifest.schema.map((c) => html`<tr><td><code>${c.name}</code></td><td>${c.type}</td></tr>`)}</table>`;
}

function historyTable(services: UiServices, manifest: Manifest): Html {
  const token = html`<input type="hidden" name="csrf" value="${services.csrfToken}">`;
  return html`<table data-testid="history"><tr><th>data version</th><th>rows</th><th>published</th><th>run</th><th></th></tr>
<tr class="current"><td><code>${shortVersion(manifest.dataVersion)}</code> (current)</td><td>${manifest.rowCount}</td><td>${formatTime(manifest.publishedAt)}</td><td>${manifest.runId}</td><td></td></tr>
${manifest.history.map(
  (v) => html`<tr data-version="${v.dataVersion}"><td><code>${shortVersion(v.dataVersion)}</code></td><td>${v.rowCount}</td><td>${formatTime(v.publishedAt)}</td><td>${v.runId}</td>
<td><form method="post" action="/actions/rollback" class="inline">${token}<input type="hidden" name="asset" value="${manifest.asset}"><input type="hidden" name="partition" value="${manifest.partition ?? ""}"><input type="hidden" name="to" value="${v.dataVersion}"><button type="submit" data-testid="rollback">Roll back to this…</button></form></td></tr>`,
)}</table>`;
}

export async function partitionPage(services: UiServices, asset: string, partition: string | null, flash: Html | undefined): Promise<Html> {
  const definitions = services.ctx.definitions();
  const node = definitions.graph.node(asset);
  const [manifest, checks] = await Promise.all([services.ctx.catalog.readManifest(asset, partition), services.ctx.catalog.readCheckResults(asset, partition)]);
  const running = await services.temporal.runningPartitions(definitions).catch(() => new Set<string>());
  const row: PartitionRow | undefined = (await services.catalog.rows(definitions, [asset], running)).get(asset)?.find((r) => r.partition === partition);
  const token = html`<input type="hidden" name="csrf" value="${services.csrfToken}">`;
  const title = partition === null ? asset : `${asset} [${partition}]`;
  return html`<h1><a href="${assetHref(asset)}">${asset}</a> ${partition === null ? "" : html`<span class="muted">partition</span> ${partition}`}</h1>
${flash ?? ""}
<p>state: <span class="pill s-${row?.state ?? "missing"}" data-testid="partition-state">${row?.state ?? "missing"}</span>
${row && row.causes.length > 0 ? html` <span data-testid="stale-causes">stale because ${row.causes.map(describeCause).join("; ")}</span>` : ""}</p>
<form method="post" action="/actions/materialize" class="inline">${token}<input type="hidden" name="asset" value="${asset}"><input type="hidden" name="partitions" value="${partition ?? ""}"><button type="submit" data-testid="materialize-partition">Materialize ${title}</button></form>
${manifest ? manifestTable(services, manifest, node.codeVersion) : html`<p class="muted">Never published.</p>`}
<h2>Checks (latest evaluation)</h2>
${checks.length > 0 ? checksTable(services, checks) : manifest && manifest.checks.length > 0 ? checksTable(services, manifest.checks) : html`<p class="muted">No check results.</p>`}
${manifest ? html`<h2>Version history</h2>${historyTable(services, manifest)}` : ""}`;
}

/** The confirmation step of a rollback: what changes, and the button that does it. */
export async function rollbackConfirmPage(services: UiServices, asset: string, partition: string | null, to: string): Promise<Html> {
  const manifest = await services.ctx.catalog.readManifest(asset, partition);
  const target = manifest?.history.find((v) => v.dataVersion === to);
  const downstream = services.ctx.definitions().graph.descendants(asset).filter((k) => k !== asset);
  return html`<h1>Roll back ${asset}${partition === null ? "" : ` [${partition}]`}?</h1>
<p>The current version <code>${shortVersion(manifest?.dataVersion)}</code> (${manifest?.rowCount ?? "?"} rows, run ${manifest?.runId ?? "?"}) moves into history; the partition points at
<code>${shortVersion(target?.dataVersion ?? to)}</code> (${target?.rowCount ?? "?"} rows, published ${formatTime(target?.publishedAt)}) again.</p>
${downstream.length > 0 ? html`<p>Downstream assets become stale until re-materialized: ${downstream.join(", ")}.</p>` : ""}
<form method="post" action="/actions/rollback"><input type="hidden" name="csrf" value="${services.csrfToken}"><input type="hidden" name="asset" value="${asset}"><input type="hidden" name="partition" value="${partition ?? ""}"><input type="hidden" name="to" value="${to}"><input type="hidden" name="confirmed" value="yes">
<button type="submit" data-testid="rollback-confirm">Roll back</button> <a href="${partitionHref(asset, partition)}">Cancel</a></form>`;
}
