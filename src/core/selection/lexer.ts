/**
 * Selection lexer: text → tokens with their 0-based positions, so every
 * later error can point a caret at the exact spot.
 */
import { SelectionError } from "../errors";

export type TokenType = "word" | "string" | "colon" | "equals" | "plus" | "lparen" | "rparen" | "and" | "or" | "not" | "end";

export interface Token {
  type: TokenType;
  /** The word, the unquoted string, or the symbol. Empty for `end`. */
  text: string;
  /** 0-based column where the token starts. */
  position: number;
}

/**
 * Words carry keys, globs, attribute names, values and depths: asset-key
 * characters, `*` for globs, and `-`/`.` which tag values and owners often
 * contain. Anything else goes in a double-quoted string.
 */
const WORD_CHAR = /[A-Za-z0-9_/*.-]/;
const SYMBOLS: Record<string, TokenType> = { ":": "colon", "=": "equals", "+": "plus", "(": "lparen", ")": "rparen" };
const KEYWORDS: Record<string, TokenType> = { and: "and", or: "or", not: "not" };
/** Operators people bring from other languages, with what to write instead. */
const FOREIGN_OPERATORS: Array<[string, string]> = [
  ["&&", "and"],
  ["||", "or"],
  ["&", "and"],
  ["|", "or"],
  ["!", "not"],
];

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i] as string;
    if (/\s/.test(char)) {
      i++;
    } else if (char in SYMBOLS) {
      tokens.push({ type: SYMBOLS[char] as TokenType, text: char, position: i });
      i++;
    } else if (char === '"') {
      const { text, next } = readString(input, i);
      tokens.push({ type: "string", text, position: i });
      i = next;
    } else if (WORD_CHAR.test(char)) {
      const start = i;
      while (i < input.length && WORD_CHAR.test(input[i] as string)) i++;
      const text = input.slice(start, i);
      tokens.push({ type: KEYWORDS[text.toLowerCase()] ?? "word", text, position: start });
    } else {
      throw unexpectedCharacter(input, i);
    }
  }
  tokens.push({ type: "end", text: "", position: input.length });
  return tokens;
}

/** A double-quoted string; `\"` and `\\` escape. For values with characters words cannot hold. */
function readString(input: string, start: number): { text: string; next: number } {
  let text = "";
  let i = start + 1;
  while (i < input.length) {
    const char = input[i] as string;
    if (char === '"') return { text, next: i + 1 };
    if (char === "\\" && i + 1 < input.length) {
      text += input[i + 1];
      i += 2;
    } else {
      text += char;
      i++;
    }
  }
  throw new SelectionError("Unterminated string: missing closing '\"'.", { input, position: start });
}

function unexpectedCharacter(input: string, position: number): SelectionError {
  const foreign = FOREIGN_OPERATORS.find(([symbol]) => input.startsWith(symbol, position));
  if (foreign) {
    return new SelectionError(`Unexpected "${foreign[0]}": write "${foreign[1]}" instead.`, { input, position });
  }
  return new SelectionError(`Unexpected character "${input[position] ?? ""}".`, {
    input,
    position,
    hint: 'Quote values with other characters, e.g. owner:"ana@example.com".',
  });
}
