/**
 * Evaluates a selection tree against an asset graph to a set of asset keys.
 * Source assets are selectable like any other node; executors drop them with
 * `materializableKeys`.
 */
import type { AssetGraph } from "../graph/asset-graph";
import type { SelectionAst, TraversalDepth } from "./ast";
import { selectByAttribute } from "./attributes";

/** `input` is the text `ast` was parsed from, for caret errors about atoms that match nothing. */
export function evaluateSelection(graph: AssetGraph, ast: SelectionAst, input: string): Set<string> {
  const evaluate = (node: SelectionAst): Set<string> => {
    switch (node.type) {
      case "all":
        return new Set(graph.keys());
      case "attribute":
        return selectByAttribute(graph, node, input);
      case "not": {
        const excluded = evaluate(node.operand);
        return new Set(graph.keys().filter((key) => !excluded.has(key)));
      }
      case "and": {
        const left = evaluate(node.left);
        const right = evaluate(node.right);
        return new Set([...left].filter((key) => right.has(key)));
      }
      case "or":
        return new Set([...evaluate(node.left), ...evaluate(node.right)]);
      case "traversal": {
        const base = evaluate(node.operand);
        const selected = new Set(base);
        if (node.upstream !== undefined) for (const key of graph.ancestors(base, depthOf(node.upstream))) selected.add(key);
        if (node.downstream !== undefined) for (const key of graph.descendants(base, depthOf(node.downstream))) selected.add(key);
        return selected;
      }
      case "function": {
        const selected = evaluate(node.operand);
        return node.name === "roots" ? boundary(selected, (key) => graph.ancestors(key)) : boundary(selected, (key) => graph.descendants(key));
      }
    }
  };
  return evaluate(ast);
}

function depthOf(depth: TraversalDepth): number | undefined {
  return depth === "unlimited" ? undefined : depth;
}

/**
 * Roots (or sinks) of a selection: selected assets with no selected ancestor
 * (descendant), even through assets outside the selection, as in Dagster.
 */
function boundary(selected: Set<string>, reach: (key: string) => string[]): Set<string> {
  return new Set([...selected].filter((key) => !reach(key).some((other) => selected.has(other))));
}
