/**
 * `rowsMatch({ against, key, columns, tolerance })`: a value-level diff of the
 * staged output against another asset's published data, joined on `key`.
 * A row fails when it is missing on either side, or when a compared column
 * differs (numeric columns by more than `tolerance`; others at all; NULL
 * equals NULL). For running an old and a new implementation side by side.
 * Keys are expected to be unique on both sides (add `unique(key)` to be sure).
 */
import { DefinitionError } from "../errors";
import type { CheckContext, CheckSpec } from "../definitions/check";
import { againstView, describeAgainst, validateAgainst, type AgainstAsset } from "./against";
import { buildCheckSpec, columnList, defaultCheckName, failingRowsOutcome, OUTPUT, plural, type CheckFactoryOptions } from "./shared";

export interface RowsMatchSpec extends CheckFactoryOptions {
  against: AgainstAsset;
  key: string | readonly string[];
  /** Columns to compare; default every output column that is not a key. */
  columns?: readonly string[];
  /** Largest absolute difference accepted in a numeric column. Default 0 (exact). */
  tolerance?: number;
}

/** Marks which side a joined row came from; a name no user column will carry. */
const PRESENT = "__materia_present";
const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL(\(\d+,\s*\d+\))?)$/i;

export function rowsMatch(spec: RowsMatchSpec): CheckSpec {
  validateAgainst("rowsMatch", spec.against);
  const key = columnList("rowsMatch key", spec.key);
  if (spec.columns !== undefined) columnList("rowsMatch columns", spec.columns);
  const tolerance = spec.tolerance ?? 0;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new DefinitionError(`rowsMatch tolerance ${tolerance} must be a non-negative number.`);
  const defaultName = defaultCheckName("rows_match", [spec.against.asset.split("/").pop() ?? spec.against.asset]);

  return buildCheckSpec(defaultName, spec, async (ctx) => {
    const outputTypes = await columnTypes(ctx, ctx.sql.ident(OUTPUT));
    const compared = spec.columns ? [...spec.columns] : [...outputTypes.keys()].filter((c) => !key.includes(c));
    const other = await againstView(spec.against, ctx);
    const query = diffQuery(ctx, other, key, compared, (column) => tolerance > 0 && NUMERIC_TYPE.test(outputTypes.get(column) ?? ""), tolerance);
    const against = describeAgainst(spec.against, ctx);
    return failingRowsOutcome(ctx, query, (n) => (n === 0 ? `every row matches ${against}` : `${plural(n, "row")} differ from ${against} (missing on a side, or changed)`));
  });
}

async function columnTypes(ctx: CheckContext, relation: string): Promise<Map<string, string>> {
  const rows = await ctx.sql.all<{ column_name: string; column_type: string }>(`DESCRIBE ${relation}`);
  return new Map(rows.map((r) => [r.column_name, r.column_type]));
}

/**
 * Full outer join on the key (NULL keys match each other), keeping rows that
 * lack a side or differ. Output: the key, `diff` ("missing_in_output",
 * "missing_in_against" or "changed"), then `<col>__output` / `<col>__against`.
 */
function diffQuery(ctx: CheckContext, other: string, key: string[], compared: string[], withTolerance: (column: string) => boolean, tolerance: number): string {
  const id = (name: string) => ctx.sql.ident(name);
  const o = (c: string) => `o.${id(c)}`;
  const a = (c: string) => `a.${id(c)}`;
  const joinOn = key.map((c) => `${o(c)} IS NOT DISTINCT FROM ${a(c)}`).join(" AND ");
  const differs = compared.map((c) =>
    withTolerance(c) ? `((${o(c)} IS NULL) <> (${a(c)} IS NULL) OR abs(${o(c)}::DOUBLE - ${a(c)}::DOUBLE) > ${tolerance})` : `${o(c)} IS DISTINCT FROM ${a(c)}`,
  );
  const diff = `CASE WHEN o.${id(PRESENT)} IS NULL THEN 'missing_in_output' WHEN a.${id(PRESENT)} IS NULL THEN 'missing_in_against' ELSE 'changed' END`;
  const select = [
    ...key.map((c) => `coalesce(${o(c)}, ${a(c)}) AS ${id(c)}`),
    `${diff} AS ${id("diff")}`,
    ...compared.flatMap((c) => [`${o(c)} AS ${id(`${c}__output`)}`, `${a(c)} AS ${id(`${c}__against`)}`]),
  ];
  const failing = [`o.${id(PRESENT)} IS NULL`, `a.${id(PRESENT)} IS NULL`, ...differs].join(" OR ");
  return `SELECT ${select.join(", ")}
    FROM (SELECT *, TRUE AS ${id(PRESENT)} FROM ${id(OUTPUT)}) AS o
    FULL OUTER JOIN (SELECT *, TRUE AS ${id(PRESENT)} FROM ${other}) AS a ON ${joinOn}
    WHERE ${failing}`;
}
