import { SelectionError } from "../../src/core/errors";
import { formatSelection, parseSelection } from "../../src/core/selection";

/** Parse and return the SelectionError it throws, failing the test if it does not. */
function parseError(text: string): SelectionError {
  try {
    parseSelection(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SelectionError);
    return error as SelectionError;
  }
  throw new Error(`expected "${text}" not to parse`);
}

/** The tree as compact text, so structure assertions stay readable. */
function shape(text: string): string {
  return formatSelection(parseSelection(text));
}

describe("parseSelection: atoms", () => {
  it("parses attributes, bare keys, quoted keys and *", () => {
    expect(parseSelection("key:market/labels")).toEqual({
      type: "attribute",
      attribute: "key",
      value: "market/labels",
      tagValue: undefined,
      position: 0,
      valuePosition: 4,
      tagValuePosition: undefined,
    });
    expect(shape("market/labels")).toBe("key:market/labels");
    expect(shape('"market/labels"')).toBe("key:market/labels");
    expect(shape("key:market/*")).toBe("key:market/*");
    expect(shape("*")).toBe("*");
  });

  it("parses tag:k=v, tag:k, owner:, group: and kind:", () => {
    expect(parseSelection("tag:team=ml")).toMatchObject({ attribute: "tag", value: "team", tagValue: "ml", tagValuePosition: 9 });
    expect(parseSelection("tag:team")).toMatchObject({ attribute: "tag", value: "team", tagValue: undefined });
    expect(shape('owner:"ana@example.com"')).toBe('owner:"ana@example.com"');
    expect(shape("group:market")).toBe("group:market");
    expect(shape("kind:source")).toBe("kind:source");
  });

  it("accepts a keyword as a plain value after ':'", () => {
    expect(parseSelection("group:not")).toMatchObject({ attribute: "group", value: "not" });
  });
});

describe("parseSelection: traversal", () => {
  it("reads unlimited and depth-limited ancestors and descendants", () => {
    expect(parseSelection("+key:a")).toMatchObject({ type: "traversal", upstream: "unlimited", downstream: undefined });
    expect(parseSelection("key:a+")).toMatchObject({ type: "traversal", upstream: undefined, downstream: "unlimited" });
    expect(parseSelection("2+key:a+1")).toMatchObject({ type: "traversal", upstream: 2, downstream: 1, operand: { value: "a" } });
    expect(parseSelection("+(group:a or group:b)+")).toMatchObject({ type: "traversal", operand: { type: "or" } });
  });

  it("binds traversal tighter than not", () => {
    expect(parseSelection("not key:a+")).toMatchObject({ type: "not", operand: { type: "traversal" } });
  });
});

describe("parseSelection: operators and precedence", () => {
  it("binds not tighter than and, and and tighter than or", () => {
    expect(parseSelection("key:a or key:b and not key:c")).toMatchObject({
      type: "or",
      left: { value: "a" },
      right: { type: "and", left: { value: "b" }, right: { type: "not", operand: { value: "c" } } },
    });
    expect(parseSelection("not key:a and key:b")).toMatchObject({ type: "and", left: { type: "not" } });
  });

  it("lets parentheses override precedence", () => {
    expect(parseSelection("(key:a or key:b) and key:c")).toMatchObject({ type: "and", left: { type: "or" } });
  });

  it("is left-associative and accepts upper-case keywords", () => {
    expect(shape("key:a or key:b or key:c")).toBe("key:a or key:b or key:c");
    expect(parseSelection("key:a AND key:b")).toMatchObject({ type: "and" });
  });

  it("parses roots(...) and sinks(...)", () => {
    expect(parseSelection("roots(group:market)")).toMatchObject({ type: "function", name: "roots", operand: { attribute: "group" } });
    expect(shape("sinks(+key:a)")).toBe("sinks(+key:a)");
  });

  it("formats back to text that parses to the same tree", () => {
    for (const text of ["(key:a or key:b) and not (key:c and key:d)", "key:a and (key:b and key:c)", "+(not key:a)+2", 'tag:"x y"="a=b"', "key:a or (key:b or key:c)"]) {
      expect(shape(shape(text))).toBe(shape(text));
    }
    expect(shape("(key:a or key:b) and not (key:c and key:d)")).toBe("(key:a or key:b) and not (key:c and key:d)");
  });
});

describe("parseSelection: errors point a caret at the problem", () => {
  const cases: Array<[string, string, number]> = [
    ["grup:market", 'Unknown attribute "grup" (did you mean "group"?).', 0],
    ["(group:a or group:b", 'Unclosed "(": missing ")".', 0],
    ["group:a and", 'Expected an asset selection after "and", found the end of the input.', 11],
    ["and group:a", 'Expected an asset selection, found "and".', 0],
    ["group:a)", 'Unmatched ")".', 7],
    ["(group:a group:b)", 'Expected "and", "or" or ")", found "group".', 9],
    ["group:a group:b", 'Expected "and" or "or" between selections, found "group".', 8],
    ["key:", 'Expected a value after "key:", found the end of the input.', 4],
    ["tag:team=", 'Expected a value after "=", found the end of the input.', 9],
    ["group:a=b", '"=" only applies to tag:, as in tag:team=data.', 7],
    ["group:a && group:b", 'Unexpected "&&": write "and" instead.', 8],
    ["!group:a", 'Unexpected "!": write "not" instead.', 0],
    ["key:a#b", 'Unexpected character "#".', 5],
    ['key:"market', "Unterminated string: missing closing '\"'.", 4],
    ["rots(group:a)", 'Unknown function "rots" (did you mean "roots"?).', 0],
    ["kind:sorce", 'Unknown kind "sorce" (did you mean "source"?).', 5],
    ["2+", 'Expected an asset selection after "+", found the end of the input.', 2],
    ["()", 'Expected an asset selection after "(", found ")".', 1],
  ];

  it.each(cases)("%s", (text, message, position) => {
    const error = parseError(text);
    expect(error.position).toBe(position);
    expect(error.input).toBe(text);
    expect(error.message).toBe(`${message}\n  ${text}\n  ${" ".repeat(position)}^`);
  });

  it("renders the caret under the exact column", () => {
    expect(parseError("group:market and grup:x").message.split("\n").slice(1)).toEqual(["  group:market and grup:x", "                   ^"]);
  });

  it("rejects an empty selection", () => {
    expect(parseError("   ").message).toBe("Empty selection.\n     \n  ^");
  });

  it("lists the known attributes in the hint", () => {
    expect(parseError("grup:market").hint).toBe("Attributes: key, group, tag, owner, kind.");
  });
});
