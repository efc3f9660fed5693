/**
 * The UI's stylesheet and its small script, as modules so they ship in the
 * compiled package without a copy step; htmx comes from its npm package.
 */
import { readFileSync } from "node:fs";

export const STATE_COLOURS = {
  fresh: "#2f9e44",
  stale: "#f08c00",
  missing: "#ced4da",
  failed: "#e03131",
  "check-failed": "#ae3ec9",
  running: "#1c7ed6",
} as const;

/**
 * A matrix cell's state letter: a row carries one letter per partition in
 * `data-states`, and ui.js paints its canvas from them (CELL_PITCH px per cell).
 */
export const CELL_CLASS = { fresh: "f", stale: "s", missing: "m", failed: "x", "check-failed": "c", running: "r" } as const;

export const CELL_PITCH = 11;

export const UI_CSS = `
:root { font-family: system-ui, sans-serif; font-size: 14px; color: #212529; }
body { margin: 0; }
header { display: flex; gap: 24px; align-items: center; padding: 8px 16px; background: #212529; }
header a { color: #dee2e6; text-decoration: none; }
header a.active, header a:hover { color: #fff; font-weight: 600; }
header nav { display: flex; gap: 16px; }
.brand { font-weight: 700; color: #fff !important; }
main { padding: 16px; }
h1 { font-size: 20px; margin: 0 0 12px; }
h2 { font-size: 16px; margin: 20px 0 8px; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #eee; vertical-align: top; }
th { color: #495057; font-weight: 600; }
code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
pre.error { color: #c92a2a; background: #fff5f5; padding: 8px; border: 1px solid #ffc9c9; }
.banner { padding: 8px 16px; margin: 0; }
.banner.warn { background: #fff3bf; }
.banner.ok { background: #d3f9d8; }
.muted { color: #868e96; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; }
${Object.entries(STATE_COLOURS).map(([s, c]) => `.s-${s} { background: ${c}; } .t-${s} { color: ${c}; }`).join("\n")}
.pill.s-missing { color: #495057; }
.legend span { margin-right: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.matrix { columns: 440px; column-gap: 24px; }
.matrix .mrow { display: flex; gap: 8px; align-items: center; break-inside: avoid; margin-bottom: 2px; }
.matrix canvas.cells { cursor: pointer; display: block; }
.matrix .label { font-family: ui-monospace, monospace; font-size: 11px; color: #495057; }
.graph { overflow: auto; border: 1px solid #dee2e6; }
.graph svg text { font-size: 11px; }
.graph .node rect.box { fill: #fff; stroke-width: 2; }
.graph .node:hover rect.box { stroke: #212529 !important; }
.graph .group rect { fill: #f8f9fa; stroke: #dee2e6; }
.graph .edge { fill: none; stroke: #adb5bd; stroke-width: 1.2; }
form.inline { display: inline; }
input, select, button { font: inherit; }
input[type=text] { padding: 2px 6px; }
.cols { display: flex; gap: 32px; flex-wrap: wrap; }
.grid-table td { padding: 0; border: 0; }
.grid-table td i { display: block; width: 10px; height: 12px; margin: 1px; }
.g-done, .g-kept { background: #2f9e44; } .g-running { background: #1c7ed6; } .g-failed, .g-blocked { background: #e03131; }
.g-pending, .g-ready { background: #dee2e6; } .g-skipped, .g-waiting { background: #ffd43b; } .g-none { background: transparent; } .g-unknown { background: #000; }
`;

/**
 * The partition matrix: paint each row's canvas from its state letters
 * (again after htmx swaps a fresh matrix in); hovering a cell names its
 * partition and state, clicking it opens the partition.
 */
export const UI_JS = `
var COLOURS = ${JSON.stringify(Object.fromEntries(Object.entries(CELL_CLASS).map(([state, letter]) => [letter, STATE_COLOURS[state as keyof typeof STATE_COLOURS]])))};
var STATES = ${JSON.stringify(Object.fromEntries(Object.entries(CELL_CLASS).map(([state, letter]) => [letter, state])))};
var PITCH = ${CELL_PITCH};
function paintMatrices(root) {
  var canvases = (root || document).querySelectorAll("canvas.cells");
  for (var c = 0; c < canvases.length; c++) {
    var canvas = canvases[c], states = canvas.dataset.states, ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (var i = 0; i < states.length; i++) {
      ctx.fillStyle = COLOURS[states[i]] || "#000";
      ctx.fillRect(i * PITCH, 0, PITCH - 1, canvas.height);
    }
  }
}
function cellAt(event) {
  var canvas = event.target;
  if (!canvas || canvas.tagName !== "CANVAS" || !canvas.classList.contains("cells")) return null;
  var matrix = canvas.closest(".matrix");
  var i = Math.floor(event.offsetX / PITCH);
  if (i < 0 || i >= canvas.dataset.states.length) return null;
  if (!matrix._keys) matrix._keys = JSON.parse(matrix.querySelector("script.matrix-keys").textContent);
  return { asset: matrix.dataset.asset, key: matrix._keys[Number(canvas.dataset.first) + i], state: STATES[canvas.dataset.states[i]] };
}
document.addEventListener("DOMContentLoaded", function () { paintMatrices(document); });
document.addEventListener("htmx:afterSettle", function () { paintMatrices(document); });
document.addEventListener("mousemove", function (event) {
  var cell = cellAt(event);
  if (cell) event.target.title = cell.key + " " + cell.state;
});
document.addEventListener("click", function (event) {
  var cell = cellAt(event);
  if (cell) location.href = "/partition?asset=" + encodeURIComponent(cell.asset) + "&key=" + encodeURIComponent(cell.key);
});
`;

let htmx: string | undefined;

export function htmxScript(): string {
  htmx ??= readFileSync(require.resolve("htmx.org/dist/htmx.min.js"), "utf8");
  return htmx;
}
