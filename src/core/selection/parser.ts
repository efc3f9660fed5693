/**
 * Recursive-descent parser for the selection language:
 *
 *   or        := and ("or" and)*
 *   and       := not ("and" not)*
 *   not       := "not" not | traversal
 *   traversal := [DEPTH] ["+"] primary ["+" [DEPTH]]
 *   primary   := "(" or ")" | FUNCTION "(" or ")" | "*" | ATTRIBUTE ":" value ["=" value] | bare key
 *
 * so `not` binds tighter than `and`, which binds tighter than `or`.
 */
import { SelectionError, didYouMean } from "../errors";
import { ATTRIBUTES, FUNCTIONS, KINDS, type AttributeName, type FunctionName, type SelectionAst, type TraversalDepth } from "./ast";
import { tokenize, type Token, type TokenType } from "./lexer";

const DEPTH = /^[0-9]+$/;

export function parseSelection(input: string): SelectionAst {
  if (input.trim() === "") {
    throw new SelectionError("Empty selection.", { input, position: 0, hint: 'e.g. "group:market", "+key:market/labels" or "*".' });
  }
  return new Parser(input).parse();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly input: string) {
    this.tokens = tokenize(input);
  }

  parse(): SelectionAst {
    const ast = this.parseOr();
    const token = this.peek();
    if (token.type === "rparen") throw this.error(`Unmatched ")".`, token);
    if (token.type !== "end") {
      throw this.error(`Expected "and" or "or" between selections, found ${describe(token)}.`, token);
    }
    return ast;
  }

  private parseOr(): SelectionAst {
    let left = this.parseAnd();
    while (this.peek().type === "or") {
      const operator = this.next();
      left = { type: "or", left, right: this.parseAnd(), position: operator.position };
    }
    return left;
  }

  private parseAnd(): SelectionAst {
    let left = this.parseNot();
    while (this.peek().type === "and") {
      const operator = this.next();
      left = { type: "and", left, right: this.parseNot(), position: operator.position };
    }
    return left;
  }

  private parseNot(): SelectionAst {
    if (this.peek().type !== "not") return this.parseTraversal();
    const operator = this.next();
    return { type: "not", operand: this.parseNot(), position: operator.position };
  }

  private parseTraversal(): SelectionAst {
    const start = this.peek();
    let upstream: TraversalDepth | undefined;
    if (start.type === "word" && DEPTH.test(start.text) && this.peek(1).type === "plus") {
      upstream = Number(this.next().text);
      this.next();
    } else if (start.type === "plus") {
      upstream = "unlimited";
      this.next();
    }
    const operand = this.parsePrimary();
    let downstream: TraversalDepth | undefined;
    if (this.peek().type === "plus") {
      this.next();
      const depth = this.peek();
      downstream = depth.type === "word" && DEPTH.test(depth.text) ? Number(this.next().text) : "unlimited";
    }
    if (upstream === undefined && downstream === undefined) return operand;
    return { type: "traversal", operand, upstream, downstream, position: start.position };
  }

  private parsePrimary(): SelectionAst {
    const token = this.peek();
    if (token.type === "lparen") {
      this.next();
      const inner = this.parseOr();
      this.expectClosing(token);
      return inner;
    }
    if (token.type === "string") {
      this.next();
      return bareKey(token);
    }
    if (token.type !== "word") throw this.error(this.expected("an asset selection", token), token);
    const following = this.peek(1);
    if (following.type === "lparen") return this.parseFunction();
    if (following.type === "colon") return this.parseAttribute();
    this.next();
    if (token.text === "*") return { type: "all", position: token.position };
    // A bare word is a key (or key glob): `market/labels` means `key:market/labels`.
    return bareKey(token);
  }

  private parseFunction(): SelectionAst {
    const name = this.next();
    if (!(FUNCTIONS as readonly string[]).includes(name.text)) {
      throw this.error(`Unknown function "${name.text}"${suggest(name.text, FUNCTIONS)}.`, name, `Functions: ${FUNCTIONS.join(", ")}.`);
    }
    const open = this.next();
    const operand = this.parseOr();
    this.expectClosing(open);
    return { type: "function", name: name.text as FunctionName, operand, position: name.position };
  }

  private parseAttribute(): SelectionAst {
    const name = this.next();
    const colon = this.next();
    if (!(ATTRIBUTES as readonly string[]).includes(name.text)) {
      throw this.error(`Unknown attribute "${name.text}"${suggest(name.text, ATTRIBUTES)}.`, name, `Attributes: ${ATTRIBUTES.join(", ")}.`);
    }
    const attribute = name.text as AttributeName;
    const value = this.parseValue(colon);
    let tagValue: Token | undefined;
    if (this.peek().type === "equals") {
      const equals = this.next();
      if (attribute !== "tag") throw this.error(`"=" only applies to tag:, as in tag:team=data.`, equals);
      tagValue = this.parseValue(equals);
    }
    if (attribute === "kind" && !(KINDS as readonly string[]).includes(value.text)) {
      throw this.error(`Unknown kind "${value.text}"${suggest(value.text, KINDS)}.`, value, `Kinds: ${KINDS.join(", ")}.`);
    }
    return {
      type: "attribute",
      attribute,
      value: value.text,
      tagValue: tagValue?.text,
      position: name.position,
      valuePosition: value.position,
      tagValuePosition: tagValue?.position,
    };
  }

  /** The value after `:` or `=`: a word, a quoted string, or a keyword used as a plain value (`key:not`). */
  private parseValue(after: Token): Token {
    const token = this.peek();
    const valueTypes: TokenType[] = ["word", "string", "and", "or", "not"];
    if (!valueTypes.includes(token.type) || (token.type === "string" && token.text === "")) {
      throw this.error(`Expected a value after "${this.previousText(after)}", found ${describe(token)}.`, token);
    }
    return this.next();
  }

  private expectClosing(open: Token): void {
    const token = this.peek();
    if (token.type === "rparen") {
      this.next();
      return;
    }
    if (token.type === "end") throw this.error(`Unclosed "(": missing ")".`, open);
    throw this.error(`Expected "and", "or" or ")", found ${describe(token)}.`, token);
  }

  /** "Expected X, found Y", naming the token before the problem so a dangling `and` reads naturally. */
  private expected(what: string, token: Token): string {
    const previous = this.tokens[this.index - 1];
    return `Expected ${what}${previous ? ` after "${previous.text}"` : ""}, found ${describe(token)}.`;
  }

  /** `key:` for a colon (the attribute and colon), the symbol otherwise. */
  private previousText(token: Token): string {
    const before = this.tokens[this.tokens.indexOf(token) - 1];
    return token.type === "colon" && before ? `${before.text}:` : token.text;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== "end") this.index++;
    return token;
  }

  private error(message: string, token: Token, hint?: string): SelectionError {
    return new SelectionError(message, { input: this.input, position: token.position, hint });
  }
}

/** A bare (or quoted) key is shorthand for `key:<it>`. */
function bareKey(token: Token): SelectionAst {
  return { type: "attribute", attribute: "key", value: token.text, tagValue: undefined, position: token.position, valuePosition: token.position, tagValuePosition: undefined };
}

function describe(token: Token): string {
  if (token.type === "end") return "the end of the input";
  return token.type === "string" ? `the string "${token.text}"` : `"${token.text}"`;
}

/** ` (did you mean "x"?)`, or nothing when no candidate is close. */
function suggest(name: string, candidates: readonly string[]): string {
  const suggestion = didYouMean(name, candidates);
  return suggestion ? ` (${suggestion})` : "";
}
