/**
 * What reconciliation compares: a row count, the sum of a column, or an
 * order-independent checksum of columns. All three are additive (the
 * checksum is a sum of row hashes), so "raw = accepted + rejected" holds for
 * each when no row is lost, duplicated or changed.
 */
import { DefinitionError } from "../errors";
import type { CheckContext } from "../definitions/check";

export type Measure = "count" | { sum: string } | { checksum: readonly string[] };

/** Exact for count and checksum (bigint), a double for sums. */
export type MeasuredValue = { kind: "number"; value: number } | { kind: "bigint"; value: bigint };

export function validateMeasure(factory: string, measure: Measure): void {
  if (measure === "count") return;
  if (typeof measure === "object" && measure !== null) {
    if ("sum" in measure && typeof measure.sum === "string" && measure.sum.length > 0) return;
    if ("checksum" in measure && Array.isArray(measure.checksum) && measure.checksum.length > 0) return;
  }
  throw new DefinitionError(`${factory}: measure must be "count", { sum: column } or { checksum: [columns] }.`);
}

export function describeMeasure(measure: Measure): string {
  if (measure === "count") return "count";
  return "sum" in measure ? `sum(${measure.sum})` : `checksum(${measure.checksum.join(", ")})`;
}

/** Measure a relation (already quoted). Text out of DuckDB, so no precision is lost on the way. */
export async function measureRelation(ctx: CheckContext, measure: Measure, relation: string): Promise<MeasuredValue> {
  const expression =
    measure === "count"
      ? "count(*)::VARCHAR"
      : "sum" in measure
        ? `coalesce(sum(${ctx.sql.ident(measure.sum)})::DOUBLE, 0)::VARCHAR`
        : `coalesce(sum(hash(${measure.checksum.map((c) => ctx.sql.ident(c)).join(", ")}))::HUGEINT, 0)::VARCHAR`;
  const [row] = await ctx.sql.all<{ v: string }>(`SELECT ${expression} AS v FROM ${relation}`);
  const text = row?.v ?? "0";
  return measure !== "count" && "sum" in measure ? { kind: "number", value: Number(text) } : { kind: "bigint", value: BigInt(text) };
}

export function addMeasured(a: MeasuredValue, b: MeasuredValue): MeasuredValue {
  if (a.kind === "bigint" && b.kind === "bigint") return { kind: "bigint", value: a.value + b.value };
  return { kind: "number", value: toNumber(a) + toNumber(b) };
}

export function toNumber(v: MeasuredValue): number {
  return typeof v.value === "bigint" ? Number(v.value) : v.value;
}

/** A JSON-safe form: numbers stay numbers while exact, else a decimal string. */
export function measuredJson(v: MeasuredValue): number | string {
  if (v.kind === "number") return v.value;
  return Number.isSafeInteger(Number(v.value)) ? Number(v.value) : v.value.toString();
}
