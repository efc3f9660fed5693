/**
 * What every built-in check factory shares: the caller's overrides (name,
 * blocking, severity), a snake_case default name, and the failing-rows
 * query runner that counts and samples the rows a check rejects.
 */
import { DefinitionError } from "../errors";
import type { CheckContext, CheckOutcome, CheckSeverity, CheckSpec } from "../definitions/check";

export interface CheckFactoryOptions {
  /** Overrides the default name (snake_case). */
  name?: string;
  description?: string;
  /** A failing blocking check publishes nothing. Default false. */
  blocking?: boolean;
  /** Default "error". */
  severity?: CheckSeverity;
}

/** Rows sampled into a failing outcome: enough for an alert, bounded for the manifest. */
export const CHECK_SAMPLE_ROWS = 5;

/** The staged output's view (see src/execution/checks.ts). */
export const OUTPUT = "output";

export function buildCheckSpec(defaultName: string, options: CheckFactoryOptions, check: (ctx: CheckContext) => Promise<CheckOutcome>): CheckSpec {
  return {
    name: options.name ?? defaultName,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.blocking !== undefined ? { blocking: options.blocking } : {}),
    ...(options.severity !== undefined ? { severity: options.severity } : {}),
    check,
  };
}

/** `not_null` + ["Order ID", "x"] → `not_null_order_id_x`; always a valid check name. */
export function defaultCheckName(prefix: string, parts: readonly string[] = []): string {
  const slug = parts
    .map((part) => part.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, ""))
    .filter((part) => part.length > 0)
    .join("_");
  return (slug.length > 0 ? `${prefix}_${slug}` : prefix).slice(0, 120);
}

/** Columns as a list, rejecting an empty one at definition time rather than at run time. */
export function columnList(factory: string, columns: string | readonly string[]): string[] {
  const list = typeof columns === "string" ? [columns] : [...columns];
  if (list.length === 0 || list.some((c) => typeof c !== "string" || c.length === 0)) {
    throw new DefinitionError(`${factory} needs at least one column name.`, { hint: `e.g. ${factory}(["order_id"])` });
  }
  return list;
}

/** Quote each column with the connection's own quoting: names are never spliced in raw. */
export function quotedColumns(ctx: CheckContext, columns: readonly string[], alias?: string): string {
  return columns.map((c) => (alias ? `${alias}.${ctx.sql.ident(c)}` : ctx.sql.ident(c))).join(", ");
}

/** Run a query returning failing rows: passes when it returns none; samples a few for alerts. */
export async function failingRowsOutcome(ctx: CheckContext, query: string, describe: (failingCount: number) => string): Promise<CheckOutcome> {
  const [count] = await ctx.sql.all<{ n: bigint | number }>(`SELECT count(*) AS n FROM (${query}) AS failing`);
  const failingCount = Number(count?.n ?? 0);
  const failingRows = failingCount > 0 ? await ctx.sql.all(`SELECT * FROM (${query}) AS failing LIMIT ${CHECK_SAMPLE_ROWS}`) : [];
  return { passed: failingCount === 0, measured: failingCount, threshold: 0, failingCount, failingRows, message: describe(failingCount) };
}

/** A number or string bound as SQL text: numbers must be finite, strings are quoted literals. */
export function sqlValue(ctx: CheckContext, value: number | string | boolean): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new DefinitionError(`Check value ${value} is not a finite number.`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  return ctx.sql.literal(value);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
