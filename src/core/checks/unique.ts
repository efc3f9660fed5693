/**
 * `unique(columns)`: the combination of the columns identifies one row.
 * NULLs group together (as in GROUP BY), so two rows with a NULL key are a
 * duplicate: a key that can be NULL is not a key.
 */
import type { CheckSpec } from "../definitions/check";
import { buildCheckSpec, columnList, defaultCheckName, failingRowsOutcome, OUTPUT, plural, type CheckFactoryOptions } from "./shared";

export function unique(columns: string | readonly string[], options: CheckFactoryOptions = {}): CheckSpec {
  const list = columnList("unique", columns);
  return buildCheckSpec(defaultCheckName("unique", list), options, async (ctx) => {
    const keys = list.map((c) => ctx.sql.ident(c)).join(", ");
    const duplicates = `SELECT ${keys}, count(*) AS ${ctx.sql.ident("duplicate_rows")} FROM ${ctx.sql.ident(OUTPUT)} GROUP BY ALL HAVING count(*) > 1`;
    return failingRowsOutcome(ctx, duplicates, (n) => (n === 0 ? `${list.join(", ")} is unique` : `${plural(n, "value")} of ${list.join(", ")} occur more than once`));
  });
}
