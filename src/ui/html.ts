/**
 * Server-rendered HTML: a tagged template that escapes every interpolated
 * value unless it is already Html (so catalog contents — asset keys, check
 * messages, failing sample rows — can never inject markup), and the page
 * shell with its navigation, styles and htmx for the live fragments.
 */

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return "";
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new Html(out);
}

/** Trusted markup (built here, never from catalog data). */
export function raw(text: string): Html {
  return new Html(text);
}

/** A query string from defined values. */
export function query(params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) search.set(k, v);
  const text = search.toString();
  return text ? `?${text}` : "";
}

export function assetHref(asset: string): string {
  return `/asset${query({ key: asset })}`;
}

export function partitionHref(asset: string, partition: string | null): string {
  return `/partition${query({ asset, key: partition ?? undefined })}`;
}

const NAV = [
  ["/", "Assets"],
  ["/checks", "Checks"],
  ["/runs", "Runs"],
  ["/automation", "Schedules & sensors"],
] as const;

export function page(title: string, active: string, body: Html, options: { banner?: Html } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · materia</title>
<link rel="stylesheet" href="/static/ui.css">
<script src="/static/htmx.min.js" defer></script>
<script src="/static/ui.js" defer></script>
</head>
<body>
<header><a class="brand" href="/">materia</a><nav>${NAV.map(([href, label]) => html`<a href="${href}" class="${href === active ? "active" : ""}">${label}</a>`)}</nav></header>
${options.banner ?? ""}
<main>${body}</main>
</body>
</html>`.value;
}

export function unreachableBanner(reachable: boolean): Html {
  return reachable ? html`` : html`<p class="banner warn" data-testid="temporal-unreachable">The Temporal server is unreachable: running states, runs and actions are unavailable until it is back.</p>`;
}

export function shortVersion(version: string | undefined): string {
  return version ? version.slice(0, 12) : "-";
}

export function formatTime(iso: string | undefined): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "-";
}
