/**
 * The one place SQL identifiers and literals are quoted. Everything that
 * puts a name or a value into SQL text goes through these.
 */

/** `a"b` → `"a""b"`. Rejects NUL, which DuckDB cannot represent in an identifier. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes("\u0000")) throw new TypeError(`Invalid SQL identifier ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** `it's` → `'it''s'`. */
export function quoteLiteral(value: string): string {
  if (value.includes("\u0000")) throw new TypeError("SQL string literal contains NUL");
  return `'${value.replace(/'/g, "''")}'`;
}

/** A list of paths as a DuckDB list literal: `['a.parquet', 'b.parquet']`. */
export function quoteList(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(", ")}]`;
}
