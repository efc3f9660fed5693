/**
 * Every check's latest result per partition, failures first: from the
 * partition index (which records each evaluation's failed checks), so the
 * page reads one index per asset, not a results file per partition.
 */
import { formatTime, html, partitionHref, type Html } from "../html";
import type { UiServices } from "../services";

interface CheckRow {
  asset: string;
  check: string;
  blocking: boolean;
  partition: string | null;
  passed: boolean;
  evaluatedAt: string;
  runId: string;
}

const LISTED = 500;

export async function checksPage(services: UiServices): Promise<Html> {
  const definitions = services.ctx.definitions();
  const { graph } = definitions;
  const assets = graph.keys().filter((k) => graph.node(k).checks.length > 0);
  const rows: CheckRow[] = [];
  const totals = new Map<string, { passed: number; failed: number }>();
  await Promise.all(
    assets.map(async (asset) => {
      const index = await services.catalog.index(asset);
      for (const entry of index.values()) {
        const checks = entry.checks;
        if (!checks) continue;
        const failed = new Set(checks.failedChecks);
        for (const check of graph.node(asset).checks) {
          const passed = !failed.has(check.name);
          rows.push({ asset, check: check.name, blocking: check.blocking, partition: entry.partition, passed, evaluatedAt: checks.evaluatedAt, runId: checks.runId });
          const total = totals.get(`${asset}\u0000${check.name}`) ?? { passed: 0, failed: 0 };
          total[passed ? "passed" : "failed"]++;
          totals.set(`${asset}\u0000${check.name}`, total);
        }
      }
    }),
  );
  rows.sort((a, b) => Number(a.passed) - Number(b.passed) || b.evaluatedAt.localeCompare(a.evaluatedAt) || a.asset.localeCompare(b.asset));
  const failing = rows.filter((r) => !r.passed).length;
  return html`<h1>Checks</h1>
<p data-testid="checks-summary">${failing} failing of ${rows.length} latest results (${assets.length} assets with checks)</p>
<h2>By check</h2>
<table><tr><th>asset</th><th>check</th><th>passing partitions</th><th>failing partitions</th></tr>
${assets.flatMap((asset) =>
  graph.node(asset).checks.map((c) => {
    const t = totals.get(`${asset}\u0000${c.name}`) ?? { passed: 0, failed: 0 };
    return html`<tr><td>${asset}</td><td><code>${c.name}</code>${c.blocking ? " (blocking)" : ""}</td><td>${t.passed}</td><td class="${t.failed > 0 ? "t-failed" : ""}">${t.failed}</td></tr>`;
  }),
)}</table>
<h2>Latest results, failures first${rows.length > LISTED ? ` (first ${LISTED})` : ""}</h2>
<table data-testid="check-results"><tr><th>result</th><th>asset</th><th>partition</th><th>check</th><th>evaluated</th></tr>
${rows.slice(0, LISTED).map(
  (r) => html`<tr data-passed="${String(r.passed)}"><td><span class="pill ${r.passed ? "s-fresh" : "s-failed"}">${r.passed ? "passed" : "failed"}</span></td><td>${r.asset}</td>
<td><a href="${partitionHref(r.asset, r.partition)}">${r.partition ?? "(unpartitioned)"}</a></td><td><code>${r.check}</code>${r.blocking ? " (blocking)" : ""}</td><td>${formatTime(r.evaluatedAt)}</td></tr>`,
)}</table>`;
}
