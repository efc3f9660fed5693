/**
 * Kernel transforms: for path-dependent scans SQL has no efficient form for
 * (a first touch searched bar by bar, running counts that open and close),
 * an asset's transform can be a loop over typed arrays. DuckDB still does
 * the set-based work and the I/O: a query gives the kernel its input
 * columns, the kernel returns output columns, and the framework writes them
 * back into DuckDB and through the same staged Parquet, checks and publish
 * as any SQL result.
 *
 *   materialize: async () => ({
 *     kernel: defineKernel({
 *       input: "SELECT id, price FROM ticks ORDER BY id",
 *       run: ({ columns, length }) => {
 *         const price = columns.price as Float64Array;
 *         const high = new Float64Array(length);
 *         for (let i = 0, max = -Infinity; i < length; i++) high[i] = max = Math.max(max, price[i]!);
 *         return { id: columns.id!, running_high: high };
 *       },
 *     }),
 *   })
 *
 * Pure types and a validating identity: no I/O here (the execution layer
 * runs kernels).
 */
import { DefinitionError } from "../errors";

/** The typed arrays kernels read and write. */
export type KernelArray =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/**
 * What a kernel receives: one typed array per column of its input query, by
 * column name, in the query's row order. DOUBLE → Float64Array, FLOAT →
 * Float32Array, BIGINT → BigInt64Array, INTEGER → Int32Array, SMALLINT →
 * Int16Array, TINYINT → Int8Array (and the unsigned types), BOOLEAN →
 * Uint8Array of 0/1, TIMESTAMP → BigInt64Array of microseconds since the
 * epoch, DATE → Int32Array of days. Other types: cast them in the query.
 */
export interface KernelInput {
  /** Rows read: the length of every column. */
  length: number;
  columns: Record<string, KernelArray>;
  /**
   * For a column holding NULLs, 1 where a row has a value and 0 where it is
   * NULL (absent when the column has none). A NULL double or float also
   * reads as NaN; a NULL integer reads as 0.
   */
  valid: Record<string, Uint8Array | undefined>;
}

/** Output types beyond the one a typed array implies. */
export type KernelOutputType = "BOOLEAN" | "TIMESTAMP" | "DATE";

/**
 * An output column with its NULLs or a type of its own: `valid` (1 = value,
 * 0 = NULL), `type` "BOOLEAN" (a Uint8Array of 0/1), "TIMESTAMP" (a
 * BigInt64Array of microseconds) or "DATE" (an Int32Array of days).
 */
export interface KernelOutputColumn {
  values: KernelArray;
  valid?: Uint8Array;
  type?: KernelOutputType;
}

/**
 * What a kernel returns: columns by name, all of one length (any length: a
 * kernel may drop or add rows). The array type gives the column type
 * (Float64Array → DOUBLE, Int32Array → INTEGER, Int8Array → TINYINT,
 * BigInt64Array → BIGINT, …). NaN in a DOUBLE or FLOAT column is written as
 * NULL.
 */
export type KernelOutput = Record<string, KernelArray | KernelOutputColumn>;

export interface KernelTransform {
  /** SQL giving the input columns, its rows in the order the kernel scans them (end it with ORDER BY). */
  input: string;
  /** The scan: typed arrays in, typed arrays out. Synchronous and pure: it sees nothing but its input. */
  run: (input: KernelInput) => KernelOutput;
  /**
   * SQL over the kernel's output, which it sees as the table named `table`
   * (e.g. joining keys back or ordering the rows); default: the table as it is.
   */
  select?: (table: string) => string;
}

/** A kernel transform, checked when it is declared: materialize returns `{ kernel }`. */
export function defineKernel(spec: KernelTransform): KernelTransform {
  if (typeof spec.input !== "string" || spec.input.trim() === "") throw new DefinitionError("A kernel needs an input query (SQL giving its input columns).");
  if (typeof spec.run !== "function") throw new DefinitionError("A kernel needs a run function (typed arrays in, typed arrays out).");
  if (spec.select !== undefined && typeof spec.select !== "function") throw new DefinitionError("A kernel's select is a function of the output table's name.");
  return spec;
}
