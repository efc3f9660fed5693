/**
 * The selection syntax tree. Plain data (it may be logged or serialized);
 * every node keeps the position of its source text for caret errors.
 */

export const ATTRIBUTES = ["key", "group", "tag", "owner", "kind"] as const;
export type AttributeName = (typeof ATTRIBUTES)[number];

export const FUNCTIONS = ["roots", "sinks"] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** Values of `kind:`; they are the graph's node kinds. */
export const KINDS = ["asset", "multi-output", "source"] as const;

/** How far a `+` reaches: a number of edges, or the whole way. */
export type TraversalDepth = number | "unlimited";

export type SelectionAst =
  | { type: "all"; position: number }
  | {
      type: "attribute";
      attribute: AttributeName;
      /** The key, group, owner, kind or tag name; may contain `*` globs. */
      value: string;
      /** For `tag:k=v`, the `v`; undefined when any value matches. */
      tagValue: string | undefined;
      position: number;
      /** Where `value` starts, for errors about it. */
      valuePosition: number;
      /** Where `tagValue` starts. */
      tagValuePosition: number | undefined;
    }
  | { type: "not"; operand: SelectionAst; position: number }
  | { type: "and" | "or"; left: SelectionAst; right: SelectionAst; position: number }
  | {
      type: "traversal";
      operand: SelectionAst;
      /** `+x` / `2+x`: include ancestors this deep. */
      upstream: TraversalDepth | undefined;
      /** `x+` / `x+1`: include descendants this deep. */
      downstream: TraversalDepth | undefined;
      position: number;
    }
  | { type: "function"; name: FunctionName; operand: SelectionAst; position: number };

/** Canonical text of a selection: parses back to the same tree (positions aside). */
export function formatSelection(ast: SelectionAst): string {
  switch (ast.type) {
    case "all":
      return "*";
    case "attribute": {
      const value = `${ast.attribute}:${formatValue(ast.value)}`;
      return ast.tagValue === undefined ? value : `${value}=${formatValue(ast.tagValue)}`;
    }
    case "not":
      return `not ${formatOperand(ast.operand, ["and", "or"])}`;
    case "and":
      return `${formatOperand(ast.left, ["or"])} and ${formatOperand(ast.right, ["and", "or"])}`;
    case "or":
      return `${formatSelection(ast.left)} or ${formatOperand(ast.right, ["or"])}`;
    case "traversal": {
      const up = ast.upstream === undefined ? "" : ast.upstream === "unlimited" ? "+" : `${ast.upstream}+`;
      const down = ast.downstream === undefined ? "" : ast.downstream === "unlimited" ? "+" : `+${ast.downstream}`;
      return `${up}${formatOperand(ast.operand, ["and", "or", "not", "traversal"])}${down}`;
    }
    case "function":
      return `${ast.name}(${formatSelection(ast.operand)})`;
  }
}

function formatOperand(ast: SelectionAst, parenthesize: readonly SelectionAst["type"][]): string {
  const text = formatSelection(ast);
  return parenthesize.includes(ast.type) ? `(${text})` : text;
}

/** Bare words stay bare; anything a word cannot hold (or a keyword) is quoted. */
function formatValue(value: string): string {
  const bare = /^[A-Za-z0-9_/*.-]+$/.test(value) && !["and", "or", "not"].includes(value.toLowerCase());
  return bare ? value : `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}
