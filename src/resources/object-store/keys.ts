/**
 * Object keys: the one place that decides what a key may contain.
 *
 * A key is `/`-separated segments. Each segment uses only the safe set
 * `A-Z a-z 0-9 . _ = -` plus `%XX` escapes (two uppercase hex digits). The set
 * is deliberately small: these characters mean the same thing on every
 * filesystem, in S3 URLs and signatures, in shell commands and in DuckDB
 * paths, so a key never needs quoting anywhere. Characters such as `|`
 * (in partition keys like `2025-10|ES`), `:`, spaces or non-ASCII are
 * percent-escaped by `encodeKeySegment()`; raw, they are rejected, because
 * some S3 tools and shells mishandle them. `%` itself is only valid as the
 * start of an escape, so encoding is reversible.
 *
 * Rejected: empty keys, a leading or trailing `/`, empty (`//`), `.` or `..`
 * segments, backslashes, control characters, and keys over 1024 characters
 * (S3's limit, in bytes; safe keys are ASCII so the two agree).
 *
 * Keys compare by plain code-unit order, which for ASCII is S3's byte order,
 * so both stores list in the same order.
 */
import { InvalidObjectKeyError } from "./errors";

export const MAX_OBJECT_KEY_LENGTH = 1024;

const SAFE_SEGMENT_CHAR = /^[A-Za-z0-9._=-]$/;
const SAFE_KEY_CHAR = /[A-Za-z0-9._=/-]/;
const ESCAPE = /^%[0-9A-F]{2}$/;

/** The reason `key` is invalid, or undefined when it is a valid key. */
export function objectKeyProblem(key: string): string | undefined {
  if (typeof key !== "string") return `expected a string, got ${typeof key}`;
  if (key.length === 0) return "the key is empty";
  if (key.length > MAX_OBJECT_KEY_LENGTH) return `${key.length} characters, more than the limit of ${MAX_OBJECT_KEY_LENGTH}`;
  if (key.includes("\\")) return "contains a backslash; segments are separated by '/'";
  if (key.startsWith("/")) return "starts with '/'; keys are relative to the store root";
  if (key.endsWith("/")) return "ends with '/'; a key names an object, not a folder";
  if (key.includes("//")) return "contains an empty segment ('//')";
  for (const segment of key.split("/")) {
    if (segment === "." || segment === "..") return `contains a '${segment}' segment`;
  }
  for (let i = 0; i < key.length; i++) {
    const char = key.charAt(i);
    if (char === "%") {
      if (!ESCAPE.test(key.slice(i, i + 3))) return `malformed escape at position ${i}: '%' must start %XX with two uppercase hex digits`;
      i += 2;
      continue;
    }
    if (!SAFE_KEY_CHAR.test(char)) return `contains ${describeChar(key, i)} at position ${i}, outside the safe set [A-Za-z0-9._=/-]`;
  }
  return undefined;
}

export function isValidObjectKey(key: string): boolean {
  return objectKeyProblem(key) === undefined;
}

/** Throw `InvalidObjectKeyError` unless `key` is valid; returns the key. */
export function validateObjectKey(key: string): string {
  const problem = objectKeyProblem(key);
  if (problem !== undefined) throw new InvalidObjectKeyError(key, problem);
  return key;
}

/**
 * Validate a listing prefix: `""` (everything), a key, a key followed by
 * `/`, or any partial key (`"data/2025-1"`) — the same rules as a key.
 */
export function validateObjectKeyPrefix(prefix: string): string {
  if (prefix === "") return prefix;
  validateObjectKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
  return prefix;
}

/**
 * Escape one segment so it is safe in a key: every byte of its UTF-8 form
 * outside `A-Z a-z 0-9 . _ = -` becomes `%XX`, and the segments `.` and `..`
 * become `%2E` / `%2E%2E`. `encodeKeySegment("2025-10|ES")` is `"2025-10%7CES"`.
 */
export function encodeKeySegment(value: string): string {
  if (value.length === 0) throw new InvalidObjectKeyError(value, "cannot encode an empty segment");
  if (value === "." || value === "..") return value.replace(/\./g, "%2E");
  let encoded = "";
  for (const char of value) {
    if (SAFE_SEGMENT_CHAR.test(char)) {
      encoded += char;
      continue;
    }
    for (const byte of Buffer.from(char, "utf8")) encoded += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

/** Reverse `encodeKeySegment`. */
export function decodeKeySegment(segment: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < segment.length; i++) {
    if (segment.charAt(i) === "%") {
      const escape = segment.slice(i, i + 3);
      if (!ESCAPE.test(escape)) throw new InvalidObjectKeyError(segment, `malformed escape at position ${i}`);
      bytes.push(parseInt(escape.slice(1), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(segment.charAt(i), "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Join already-safe parts with '/' and validate the result: `joinObjectKey("market/raw_bars", "data.parquet")`. */
export function joinObjectKey(...parts: string[]): string {
  return validateObjectKey(parts.join("/"));
}

/** Order keys like S3 does (byte order; safe keys are ASCII). */
export function compareObjectKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeChar(key: string, index: number): string {
  const code = key.codePointAt(index) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code < 0x20 || code === 0x7f ? `a control character (${hex})` : `'${String.fromCodePoint(code)}' (${hex})`;
}
