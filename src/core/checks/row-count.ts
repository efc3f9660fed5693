/** `rowCount({ min, max })`: the staged output has between min and max rows (both inclusive, either optional). */
import { DefinitionError } from "../errors";
import type { CheckSpec } from "../definitions/check";
import { buildCheckSpec, OUTPUT, type CheckFactoryOptions } from "./shared";

export interface RowCountBounds {
  min?: number;
  max?: number;
}

export function rowCount(bounds: RowCountBounds, options: CheckFactoryOptions = {}): CheckSpec {
  const { min, max } = bounds;
  if (min === undefined && max === undefined) throw new DefinitionError("rowCount needs min, max or both.", { hint: "e.g. rowCount({ min: 1 })" });
  for (const bound of [min, max]) {
    if (bound !== undefined && !(Number.isInteger(bound) && bound >= 0)) throw new DefinitionError(`rowCount bound ${bound} is not a non-negative integer.`);
  }
  if (min !== undefined && max !== undefined && min > max) throw new DefinitionError(`rowCount min ${min} is greater than max ${max}.`);
  const threshold = [min !== undefined ? `>= ${min}` : undefined, max !== undefined ? `<= ${max}` : undefined].filter(Boolean).join(" and ");

  return buildCheckSpec("row_count", options, async (ctx) => {
    const [row] = await ctx.sql.all<{ n: bigint | number }>(`SELECT count(*) AS n FROM ${ctx.sql.ident(OUTPUT)}`);
    const count = Number(row?.n ?? 0);
    const passed = (min === undefined || count >= min) && (max === undefined || count <= max);
    return { passed, measured: count, threshold, message: passed ? `${count} rows` : `${count} rows; expected ${threshold}` };
  });
}
