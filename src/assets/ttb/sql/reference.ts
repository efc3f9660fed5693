/** The reference data as SQL: VALUES lists and IN-lists built through `literal`. */
import type { SqlConnection } from "materia";
import { CLASS_TYPES, ORIGINS } from "../reference";

export function inList(sql: SqlConnection, values: readonly string[]): string {
  return `(${values.map((value) => sql.literal(value)).join(", ")})`;
}

export function listLiteral(sql: SqlConnection, values: readonly string[]): string {
  return `[${values.map((value) => sql.literal(value)).join(", ")}]`;
}

/** `(code, description, family)` rows of the class/type reference. */
export function classTypesValues(sql: SqlConnection): string {
  return `(VALUES ${CLASS_TYPES.map((c) => `(${sql.literal(c.code)}, ${sql.literal(c.description)}, ${sql.literal(c.family)})`).join(", ")}) AS class_types(code, description, family)`;
}

/** `(code, description, is_domestic)` rows of the origin reference. */
export function originsValues(sql: SqlConnection): string {
  return `(VALUES ${ORIGINS.map((o) => `(${sql.literal(o.code)}, ${sql.literal(o.description)}, ${o.isDomestic})`).join(", ")}) AS origins(code, description, is_domestic)`;
}
