/**
 * The asset graph: lineage laid out by dagre (a cluster per group), each
 * node coloured by its state with its partition counts and checks; filtered
 * by a selection expression (the CLI's syntax; a bad one shows the parser's
 * caret message inline).
 */
import { createHash } from "node:crypto";
import type * as Dagre from "@dagrejs/dagre" with { "resolution-mode": "import" };
import { KINDS, SelectionError, selectAssets, type Definitions } from "../../core";
import { STATE_COLOURS } from "../assets";
import { assetHref, html, query, raw, type Html } from "../html";
import { assetState, countStates, type PartitionState, type StateCounts } from "../partition-states";
import type { UiServices } from "../services";

// dagre ships as an ES module with a CommonJS build; this package is CommonJS, so it takes the require() entry.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dagre = require("@dagrejs/dagre") as typeof Dagre;

const NODE_WIDTH = 190;
const NODE_HEIGHT = 46;

interface Layout {
  width: number;
  height: number;
  nodes: Array<{ key: string; x: number; y: number }>;
  groups: Array<{ name: string; x: number; y: number; width: number; height: number }>;
  edges: Array<{ from: string; to: string; points: Array<{ x: number; y: number }> }>;
}

const layouts = new Map<string, Layout>();
const LAYOUT_CACHE_SIZE = 32;

/** The layout depends only on the definitions' shape and the selection, so it is computed once per pair. */
export function layoutGraph(definitions: Definitions, keys: readonly string[]): Layout {
  const { graph } = definitions;
  const shape = createHash("sha256")
    .update(keys.map((k) => `${k}:${graph.node(k).group}:${graph.parents(k).join(",")}`).join("|"))
    .digest("hex");
  const cached = layouts.get(shape);
  if (cached) return cached;
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 60, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const selected = new Set(keys);
  const groups = new Set(keys.map((k) => graph.node(k).group));
  for (const group of groups) g.setNode(`group:${group}`, { label: group, paddingTop: 24 });
  for (const key of keys) {
    g.setNode(key, { width: NODE_WIDTH, height: NODE_HEIGHT });
    g.setParent(key, `group:${graph.node(key).group}`);
  }
  for (const key of keys) for (const parent of graph.parents(key)) if (selected.has(parent)) g.setEdge(parent, key);
  dagre.layout(g);
  const info = g.graph();
  const layout: Layout = {
    width: Math.ceil(info.width ?? 0),
    height: Math.ceil(info.height ?? 0),
    nodes: keys.map((key) => {
      const n = g.node(key);
      return { key, x: n.x, y: n.y };
    }),
    groups: [...groups].map((name) => {
      const n = g.node(`group:${name}`);
      return { name, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
    }),
    edges: g.edges().map((e: Dagre.Edge) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] })),
  };
  if (layouts.size >= LAYOUT_CACHE_SIZE) layouts.delete(layouts.keys().next().value!);
  layouts.set(shape, layout);
  return layout;
}

function label(key: string): string {
  return key.length > 28 ? `…${key.slice(-27)}` : key;
}

function countsText(counts: StateCounts, total: number): string {
  if (total === 1) return assetState(counts);
  const parts = [`${counts.fresh}/${total} fresh`];
  for (const s of ["stale", "failed", "check-failed", "running"] as const) if (counts[s] > 0) parts.push(`${counts[s]} ${s}`);
  return parts.join(" · ");
}

export async function graphFragment(services: UiServices, selection: string): Promise<Html> {
  const definitions = services.ctx.definitions();
  let keys: string[];
  try {
    keys = selectAssets(definitions.graph, selection || "*");
  } catch (error) {
    if (error instanceof SelectionError) return html`<div id="graph"><pre class="error" data-testid="selection-error">${error.message}</pre></div>`;
    throw error;
  }
  const running = await services.temporal.runningPartitions(definitions).catch(() => new Set<string>());
  const rows = await services.catalog.rows(definitions, keys, running);
  const layout = layoutGraph(definitions, keys);
  const checkTotals = new Map<string, { passed: number; failed: number }>();
  for (const [asset, list] of rows) {
    let passed = 0;
    let failed = 0;
    for (const row of list) {
      if (!row.entry?.checks) continue;
      if (row.entry.checks.failed > 0) failed++;
      else passed++;
    }
    checkTotals.set(asset, { passed, failed });
  }
  const nodeSvg = layout.nodes.map(({ key, x, y }) => {
    const node = definitions.graph.node(key);
    const list = rows.get(key);
    const counts = list ? countStates(list) : undefined;
    const state: PartitionState | "source" = counts ? assetState(counts) : "source";
    const colour = state === "source" ? "#868e96" : STATE_COLOURS[state];
    const checks = checkTotals.get(key);
    const checkText = node.checks.length === 0 ? "" : `${node.checks.length} check${node.checks.length === 1 ? "" : "s"}${checks && checks.failed > 0 ? ` · ✗ ${checks.failed}` : ""}`;
    const sub = counts && list ? countsText(counts, list.length) : "source";
    return html`<a href="${assetHref(key)}" class="node" data-asset="${key}" data-state="${state}"><g transform="translate(${x - NODE_WIDTH / 2},${y - NODE_HEIGHT / 2})">
<rect class="box" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="5" stroke="${colour}"></rect><rect width="6" height="${NODE_HEIGHT}" fill="${colour}" rx="2"></rect>
<text x="12" y="15" font-weight="600">${label(key)}</text><text x="12" y="29" fill="#495057">${sub}</text><text x="12" y="41" fill="${checks && checks.failed > 0 ? STATE_COLOURS.failed : "#868e96"}">${checkText}</text>
<title>${key} — ${state}${node.description ? ` — ${node.description}` : ""}</title></g></a>`;
  });
  const edgeSvg = layout.edges.map(
    (e) => html`<path class="edge" data-edge="${e.from}->${e.to}" marker-end="url(#arrow)" d="${e.points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")}"></path>`,
  );
  const groupSvg = layout.groups.map((g) => html`<g class="group" data-group="${g.name}"><rect x="${g.x}" y="${g.y}" width="${g.width}" height="${g.height}" rx="6"></rect><text x="${g.x + 8}" y="${g.y + 16}" font-weight="600" fill="#495057">${g.name}</text></g>`);
  return html`<div id="graph" class="graph" data-testid="graph" data-assets="${keys.length}" hx-get="/fragments/graph${query({ select: selection || undefined })}" hx-trigger="every 5s" hx-swap="outerHTML">
<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#adb5bd"></path></marker></defs>
${groupSvg}${edgeSvg}${nodeSvg}</svg></div>`;
}

export async function graphPage(services: UiServices, selection: string): Promise<Html> {
  const definitions = services.ctx.definitions();
  const groups = [...new Set(definitions.graph.keys().map((k) => definitions.graph.node(k).group))].sort();
  const tags = [...new Set(definitions.graph.keys().flatMap((k) => Object.entries(definitions.graph.node(k).tags).map(([t, v]) => `tag:${t}=${v}`)))].sort();
  const owners = [...new Set(definitions.graph.keys().flatMap((k) => definitions.graph.node(k).owners.map((o) => `owner:${o}`)))].sort();
  const quick = [...groups.map((g) => `group:${g}`), ...owners, ...tags.slice(0, 12)];
  return html`<h1>Assets</h1>
<form method="get" action="/" class="filter">
<input type="text" name="select" size="60" value="${selection}" placeholder="selection, e.g. group:market or +key:ttb/facts" data-testid="select-input">
<button type="submit">Filter</button> <a href="/">all</a>
<span class="muted">· ${quick.map((q) => html`<a href="/${query({ select: q })}">${q}</a> `)}· ${KINDS.map((k) => html`<a href="/${query({ select: `kind:${k}` })}">kind:${k}</a> `)}</span>
</form>
<p class="legend">${Object.entries(STATE_COLOURS).map(([s, c]) => html`<span><i style="background:${c}"></i>${s}</span>`)}</p>
${await graphFragment(services, selection)}
<p class="muted">${raw("&nbsp;")}Layout by dagre; states refresh every 5 s.</p>`;
}
