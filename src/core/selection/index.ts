/**
 * The asset selection language (Dagster's syntax): `key:market/*`, `+x`,
 * `2+x`, `x+1`, `group:`, `tag:k=v`, `owner:`, `kind:`, `and`/`or`/`not`,
 * parentheses, `roots(...)`, `sinks(...)`, and `*` for everything.
 */
import type { AssetGraph } from "../graph/asset-graph";
import { compareKeys } from "../graph/asset-graph";
import { evaluateSelection } from "./evaluate";
import { parseSelection } from "./parser";

export { ATTRIBUTES, FUNCTIONS, KINDS, formatSelection } from "./ast";
export type { AttributeName, FunctionName, SelectionAst, TraversalDepth } from "./ast";
export { evaluateSelection } from "./evaluate";
export { parseSelection } from "./parser";

/** The keys `text` selects in `graph`, sorted. Throws SelectionError (with a caret) on bad syntax or atoms matching nothing. */
export function selectAssets(graph: AssetGraph, text: string): string[] {
  return [...evaluateSelection(graph, parseSelection(text), text)].sort(compareKeys);
}

/** `keys` without source assets (which are read, never materialized), sorted. */
export function materializableKeys(graph: AssetGraph, keys: Iterable<string>): string[] {
  return [...new Set(keys)].filter((key) => graph.node(key).kind !== "source").sort(compareKeys);
}
