/**
 * `acceptedValues(column, values)`: every non-NULL value of the column is one
 * of `values`. NULLs pass unless `allowNull: false` (notNull says it better).
 */
import { DefinitionError } from "../errors";
import type { CheckSpec } from "../definitions/check";
import { buildCheckSpec, defaultCheckName, failingRowsOutcome, OUTPUT, plural, sqlValue, type CheckFactoryOptions } from "./shared";

export type AcceptedValue = string | number | boolean;

export function acceptedValues(column: string, values: readonly AcceptedValue[], options: CheckFactoryOptions & { allowNull?: boolean } = {}): CheckSpec {
  if (values.length === 0) throw new DefinitionError(`acceptedValues("${column}") needs at least one accepted value.`);
  const allowNull = options.allowNull ?? true;
  return buildCheckSpec(defaultCheckName("accepted_values", [column]), options, async (ctx) => {
    const col = ctx.sql.ident(column);
    const list = values.map((v) => sqlValue(ctx, v)).join(", ");
    const rejected = allowNull ? `${col} NOT IN (${list})` : `${col} IS NULL OR ${col} NOT IN (${list})`;
    return failingRowsOutcome(ctx, `SELECT * FROM ${ctx.sql.ident(OUTPUT)} WHERE ${rejected}`, (n) =>
      n === 0 ? `every ${column} is accepted` : `${plural(n, "row")} with ${column} outside ${values.map(String).join(", ")}`,
    );
  });
}
