/**
 * Running a kernel transform (core/definitions/kernel.ts) inside a step:
 * DuckDB runs the input query and hands its columns over as typed arrays,
 * the kernel scans them, and its output columns go back into a table of the
 * step's database. What the step then stages, checks and publishes is a
 * query over that table, exactly as for a SQL transform.
 */
import { MaterializeError, type KernelTransform } from "../core";
import type { DuckDbSession } from "../resources/duckdb";

export interface KernelRun {
  /** The query the step stages: the kernel's `select` over its output table, or the whole table. */
  query: string;
  inputRows: number;
  outputRows: number;
  /** Milliseconds reading the input, in the kernel, and writing its output. */
  ms: { input: number; kernel: number; output: number };
}

export async function runKernel(db: DuckDbSession, kernel: KernelTransform, table: string): Promise<KernelRun> {
  const started = performance.now();
  const input = await db.readColumns(kernel.input);
  const read = performance.now();
  const output = kernel.run(input);
  if (output instanceof Promise) {
    throw new MaterializeError("A kernel's run returned a promise.", { hint: "A kernel is a synchronous scan over its input columns: do any asynchronous work in materialize before returning { kernel }." });
  }
  const ran = performance.now();
  const outputRows = await db.writeColumns(table, output);
  const written = performance.now();
  return {
    query: kernel.select ? kernel.select(db.ident(table)) : `SELECT * FROM ${db.ident(table)}`,
    inputRows: input.length,
    outputRows,
    ms: { input: Math.round(read - started), kernel: Math.round(ran - read), output: Math.round(written - ran) },
  };
}
