/**
 * `inRange(column, min, max)`: every non-NULL value is within [min, max],
 * both inclusive; pass `undefined` for an open end. Strings are compared as
 * literals cast by DuckDB to the column's type (e.g. '2024-01-01' for a DATE).
 */
import { DefinitionError } from "../errors";
import type { CheckSpec } from "../definitions/check";
import { buildCheckSpec, defaultCheckName, failingRowsOutcome, OUTPUT, plural, sqlValue, type CheckFactoryOptions } from "./shared";

export type RangeBound = number | string | undefined;

export function inRange(column: string, min: RangeBound, max: RangeBound, options: CheckFactoryOptions = {}): CheckSpec {
  if (min === undefined && max === undefined) throw new DefinitionError(`inRange("${column}") needs min, max or both.`);
  if (typeof min === "number" && typeof max === "number" && min > max) throw new DefinitionError(`inRange("${column}"): min ${min} is greater than max ${max}.`);
  const threshold = [min !== undefined ? `>= ${min}` : undefined, max !== undefined ? `<= ${max}` : undefined].filter(Boolean).join(" and ");

  return buildCheckSpec(defaultCheckName("in_range", [column]), options, async (ctx) => {
    const col = ctx.sql.ident(column);
    const outside = [min !== undefined ? `${col} < ${sqlValue(ctx, min)}` : undefined, max !== undefined ? `${col} > ${sqlValue(ctx, max)}` : undefined]
      .filter(Boolean)
      .join(" OR ");
    return failingRowsOutcome(ctx, `SELECT * FROM ${ctx.sql.ident(OUTPUT)} WHERE ${outside}`, (n) =>
      n === 0 ? `every ${column} is ${threshold}` : `${plural(n, "row")} with ${column} not ${threshold}`,
    );
  });
}
