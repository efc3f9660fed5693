/**
 * `schemaUnchanged()`: the staged output has the same columns, with the same
 * types, as the previously published version. Column order is ignored
 * (readers select by name). Passes when nothing was published before.
 */
import type { CheckSpec } from "../definitions/check";
import { buildCheckSpec, OUTPUT, plural, type CheckFactoryOptions } from "./shared";

export interface SchemaChange {
  column: string;
  change: "added" | "removed" | "type_changed";
  before: string | null;
  after: string | null;
}

export function schemaUnchanged(options: CheckFactoryOptions = {}): CheckSpec {
  return buildCheckSpec("schema_unchanged", options, async (ctx) => {
    if (ctx.previousSchema === undefined) return { passed: true, measured: 0, threshold: 0, message: "no previous version to compare with" };
    const rows = await ctx.sql.all<{ column_name: string; column_type: string }>(`DESCRIBE ${ctx.sql.ident(OUTPUT)}`);
    const changes = schemaChanges(ctx.previousSchema, rows.map((r) => ({ name: r.column_name, type: r.column_type })));
    return {
      passed: changes.length === 0,
      measured: changes.length,
      threshold: 0,
      failingCount: changes.length,
      failingRows: changes.map((c) => ({ ...c })),
      message: changes.length === 0 ? "schema unchanged" : `${plural(changes.length, "column")} changed: ${changes.map(describeChange).join("; ")}`,
    };
  });
}

/** Differences from `before` to `after`, in the order of `before` then the added columns. */
export function schemaChanges(before: ReadonlyArray<{ name: string; type: string }>, after: ReadonlyArray<{ name: string; type: string }>): SchemaChange[] {
  const afterTypes = new Map(after.map((c) => [c.name, c.type]));
  const beforeNames = new Set(before.map((c) => c.name));
  const changes: SchemaChange[] = [];
  for (const column of before) {
    const type = afterTypes.get(column.name);
    if (type === undefined) changes.push({ column: column.name, change: "removed", before: column.type, after: null });
    else if (type !== column.type) changes.push({ column: column.name, change: "type_changed", before: column.type, after: type });
  }
  for (const column of after) {
    if (!beforeNames.has(column.name)) changes.push({ column: column.name, change: "added", before: null, after: column.type });
  }
  return changes;
}

function describeChange(change: SchemaChange): string {
  if (change.change === "added") return `${change.column} added (${change.after})`;
  if (change.change === "removed") return `${change.column} removed (was ${change.before})`;
  return `${change.column} ${change.before} → ${change.after}`;
}
