/**
 * Attribute atoms (`key:`, `group:`, `tag:`, `owner:`, `kind:`) against a
 * graph. An atom that matches no asset in the whole graph is almost always a
 * typo, so it is an error with suggestions rather than an empty set.
 */
import { SelectionError, didYouMean } from "../errors";
import type { AssetGraph } from "../graph/asset-graph";
import type { AssetNode } from "../graph/types";
import type { SelectionAst } from "./ast";

type AttributeAst = Extract<SelectionAst, { type: "attribute" }>;

export function selectByAttribute(graph: AssetGraph, ast: AttributeAst, input: string): Set<string> {
  if (ast.attribute === "tag") return selectByTag(graph, ast, input);
  const valuesOf = VALUES[ast.attribute];
  const matches = matcher(ast.value);
  const selected = new Set<string>();
  for (const node of graph.nodes.values()) {
    if (valuesOf(node).some(matches)) selected.add(node.key);
  }
  // kind: has a fixed vocabulary (checked by the parser); "no source assets" is a fact, not a typo.
  if (selected.size === 0 && ast.attribute !== "kind") {
    const known = new Set([...graph.nodes.values()].flatMap(valuesOf));
    throw noMatch(ast, input, ast.value, known, ast.attribute === "key" ? "Unknown asset" : `No asset has ${ast.attribute}`);
  }
  return selected;
}

const VALUES: Record<Exclude<AttributeAst["attribute"], "tag">, (node: AssetNode) => readonly string[]> = {
  key: (node) => [node.key],
  group: (node) => [node.group],
  owner: (node) => node.owners,
  kind: (node) => [node.kind],
};

/** `tag:k` selects assets with tag `k` (any value); `tag:k=v` those whose `k` is `v`. Both sides may be globs. */
function selectByTag(graph: AssetGraph, ast: AttributeAst, input: string): Set<string> {
  const nameMatches = matcher(ast.value);
  const valueMatches = ast.tagValue === undefined ? () => true : matcher(ast.tagValue);
  const selected = new Set<string>();
  const valuesOfMatchingNames = new Set<string>();
  for (const node of graph.nodes.values()) {
    for (const [name, value] of Object.entries(node.tags)) {
      if (!nameMatches(name)) continue;
      valuesOfMatchingNames.add(value);
      if (valueMatches(value)) selected.add(node.key);
    }
  }
  if (selected.size > 0) return selected;
  if (valuesOfMatchingNames.size === 0 || ast.tagValue === undefined) {
    const names = new Set([...graph.nodes.values()].flatMap((node) => Object.keys(node.tags)));
    throw noMatch(ast, input, ast.value, names, "No asset has tag");
  }
  const valuePosition = ast.tagValuePosition ?? ast.valuePosition;
  throw noMatch({ ...ast, valuePosition }, input, ast.tagValue, valuesOfMatchingNames, `No asset has tag ${ast.value} with value`);
}

function noMatch(ast: AttributeAst, input: string, value: string, known: Set<string>, what: string): SelectionError {
  if (isGlob(value)) {
    return new SelectionError(`${ast.attribute}:${ast.tagValue === undefined ? value : `${ast.value}=${ast.tagValue}`} matches no asset.`, {
      input,
      position: ast.valuePosition,
      hint: '"*" matches any run of characters, "/" included.',
    });
  }
  const suggestion = didYouMean(value, known);
  return new SelectionError(`${what} "${value}"${suggestion ? ` (${suggestion})` : ""}.`, { input, position: ast.valuePosition, hint: suggestion });
}

function isGlob(pattern: string): boolean {
  return pattern.includes("*");
}

/**
 * Exact comparison, or a glob where `*` matches any run of characters, `/`
 * included, so `market/*` reaches `market/a/b` as well as `market/a`.
 */
export function matcher(pattern: string): (value: string) => boolean {
  if (!isGlob(pattern)) return (value) => value === pattern;
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const regex = new RegExp(`^${source}$`);
  return (value) => regex.test(value);
}
