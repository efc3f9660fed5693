/** `notNull(columns)`: none of the columns is NULL in any row. */
import type { CheckSpec } from "../definitions/check";
import { buildCheckSpec, columnList, defaultCheckName, failingRowsOutcome, OUTPUT, plural, type CheckFactoryOptions } from "./shared";

export function notNull(columns: string | readonly string[], options: CheckFactoryOptions = {}): CheckSpec {
  const list = columnList("notNull", columns);
  return buildCheckSpec(defaultCheckName("not_null", list), options, async (ctx) => {
    const anyNull = list.map((c) => `${ctx.sql.ident(c)} IS NULL`).join(" OR ");
    return failingRowsOutcome(ctx, `SELECT * FROM ${ctx.sql.ident(OUTPUT)} WHERE ${anyNull}`, (n) =>
      n === 0 ? `no NULLs in ${list.join(", ")}` : `${plural(n, "row")} with NULL in ${list.join(", ")}`,
    );
  });
}
