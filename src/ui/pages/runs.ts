/**
 * Runs and backfills from Temporal visibility (filtered by MateriaKind,
 * MateriaJob, MateriaPartition, MateriaAssets), a backfill's live progress
 * (its per-node grid when the workflow reports one, else counts), and the
 * schedules and sensors with their state and next ticks.
 */
import { workflowLink } from "../context";
import { readBackfillProgress, type BackfillProgressView } from "../backfill-progress";
import { formatTime, html, query, unreachableBanner, type Html } from "../html";
import type { RunsFilter } from "../temporal-view";
import type { UiServices } from "../services";

const STATUS_CLASS: Record<string, string> = { RUNNING: "s-running", COMPLETED: "s-fresh", FAILED: "s-failed", TERMINATED: "s-failed", TIMED_OUT: "s-failed", CANCELLED: "s-stale" };

export async function runsFragment(services: UiServices, filter: RunsFilter): Promise<Html> {
  const { reachable, rows } = await services.temporal.list(filter, 100);
  const link = (id: string, kind: string) => (kind === "backfill" ? html`<a href="/backfill${query({ id })}">${id}</a>` : html`<span>${id}</span>`);
  return html`<div id="runs" hx-get="/fragments/runs${query({ ...filter })}" hx-trigger="every 3s" hx-swap="outerHTML">${unreachableBanner(reachable)}
<table data-testid="runs"><tr><th>workflow</th><th>kind</th><th>job</th><th>partition</th><th>assets</th><th>status</th><th>started</th><th>closed</th><th></th></tr>
${rows.map(
  (r) => html`<tr data-workflow="${r.workflowId}" data-status="${r.status}"><td>${link(r.workflowId, r.kind)}</td><td>${r.kind}</td><td>${r.job ?? "-"}</td><td>${r.partition ?? "-"}</td>
<td>${r.assets.length > 3 ? `${r.assets.slice(0, 3).join(", ")} +${r.assets.length - 3}` : r.assets.join(", ")}</td>
<td><span class="pill ${STATUS_CLASS[r.status] ?? "s-missing"}">${r.status.toLowerCase()}</span></td><td>${formatTime(r.startTime)}</td><td>${formatTime(r.closeTime)}</td>
<td><a href="${workflowLink(services.ctx.settings, r.workflowId)}" target="_blank" rel="noopener">Temporal ↗</a></td></tr>`,
)}</table>${rows.length === 0 && reachable ? html`<p class="muted">No runs match.</p>` : ""}</div>`;
}

export async function runsPage(services: UiServices, filter: RunsFilter): Promise<Html> {
  const field = (name: keyof RunsFilter, placeholder: string) => html`<input type="text" name="${name}" value="${filter[name] ?? ""}" placeholder="${placeholder}" size="16">`;
  return html`<h1>Runs and backfills</h1>
<form method="get" action="/runs">kind <select name="kind"><option value="">run or backfill</option>${["run", "backfill"].map((k) => html`<option value="${k}" ${k === filter.kind ? "selected" : ""}>${k}</option>`)}</select>
${field("job", "MateriaJob")} ${field("partition", "MateriaPartition")} ${field("asset", "MateriaAssets")} <button type="submit">Filter</button></form>
${await runsFragment(services, filter)}`;
}

function gridTable(progress: BackfillProgressView): Html {
  const grid = progress.grid;
  if (!grid && progress.status !== "RUNNING") return html`<p class="muted">Finished: each asset's page shows its partitions' states now.</p>`;
  if (!grid) return html`<p class="muted">Per-partition states are not reported by this backfill; counts above.</p>`;
  return html`<table class="grid-table" data-testid="backfill-grid"><tr><th></th>${grid.partitions.map((p) => html`<th title="${p}"></th>`)}</tr>
${grid.rows.map((r) => html`<tr><th>${r.step}</th>${r.cells.map((c, i) => html`<td><i class="g-${c}" title="${r.step} ${r.partitioned ? (grid.partitions[i] ?? "") : ""} ${c}"></i></td>`)}</tr>`)}</table>
<p class="muted">${grid.partitions[0] ?? ""} … ${grid.partitions[grid.partitions.length - 1] ?? ""} · green done/kept · blue running · red failed/blocked · grey pending · yellow skipped/waiting</p>`;
}

export async function backfillFragment(services: UiServices, id: string): Promise<Html> {
  const client = await services.ctx.temporal();
  if (!client) return html`<div id="backfill">${unreachableBanner(false)}</div>`;
  let progress: BackfillProgressView;
  try {
    progress = await readBackfillProgress(client, id);
  } catch (error) {
    return html`<div id="backfill"><pre class="error">${error instanceof Error ? error.message : String(error)}</pre></div>`;
  }
  const live = progress.status === "RUNNING";
  return html`<div id="backfill" data-status="${progress.status}" ${live ? html`hx-get="/fragments/backfill${query({ id })}" hx-trigger="every 2s" hx-swap="outerHTML"` : ""}>
<p><span class="pill ${STATUS_CLASS[progress.status] ?? "s-missing"}" data-testid="backfill-status">${progress.status.toLowerCase()}</span>${progress.paused ? " (paused)" : ""}
<span data-testid="backfill-counts">${progress.done} done · ${progress.failed} failed · ${progress.skipped} skipped · ${progress.running} running · ${progress.pending} pending of ${progress.total}</span>
${progress.etaSeconds !== null && live ? html` · ETA ${progress.etaSeconds}s` : ""}</p>
${gridTable(progress)}
${progress.failures.length > 0 ? html`<h2>Failures</h2><table>${progress.failures.map((f) => html`<tr><td>${f.step ?? ""}</td><td>${f.partition ?? "-"}</td><td>${f.message}</td></tr>`)}</table>` : ""}
</div>`;
}

export async function backfillPage(services: UiServices, id: string, flash: Html | undefined): Promise<Html> {
  return html`<h1>Backfill <code>${id}</code></h1>${flash ?? ""}
<p><a href="${workflowLink(services.ctx.settings, id)}" target="_blank" rel="noopener">Open in the Temporal Web UI ↗</a></p>
${await backfillFragment(services, id)}`;
}

export async function automationPage(services: UiServices): Promise<Html> {
  const definitions = services.ctx.definitions();
  const [schedules, sensors] = await Promise.all([services.temporal.schedules(definitions), services.temporal.sensors(definitions)]);
  return html`<h1>Schedules and sensors</h1>${unreachableBanner(schedules.reachable)}
<h2>Schedules</h2>
<table data-testid="schedules"><tr><th>schedule</th><th>job</th><th>cron</th><th>timezone</th><th>state</th><th>next ticks</th></tr>
${schedules.rows.map(
  (s) => html`<tr><td>${s.name}</td><td><a href="/runs${query({ job: s.job })}">${s.job}</a></td><td><code>${s.cron}</code></td><td>${s.timezone}</td>
<td>${s.synced ? (s.paused ? "paused" : "active") : html`<span class="muted">not synced (materia schedules sync)</span>`}</td><td>${s.next.map(formatTime).join(", ") || "-"}</td></tr>`,
)}</table>
<h2>Sensors</h2>
<table data-testid="sensors"><tr><th>sensor</th><th>job</th><th>every</th><th>workflow</th></tr>
${sensors.map((s) => html`<tr><td>${s.name}</td><td>${s.job}</td><td>${s.intervalSeconds}s</td><td><a href="${workflowLink(services.ctx.settings, s.workflowId)}" target="_blank" rel="noopener">${s.status}</a></td></tr>`)}</table>`;
}
