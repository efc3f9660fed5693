/**
 * Running a kernel transform (core/definitions/kernel.ts) inside a step:
 * DuckDB runs the input query and hands its columns over as typed arrays,
 * the kernel scans them, and its output columns become a relation DuckDB
 * reads back (a table function over the arrays, scanned on one thread in
 * their order). What the step then stages, checks and publishes is a query
 * over that relation, exactly as for a SQL transform.
 */
import { randomBytes } from "node:crypto";
import { MaterializeError, type KernelTransform } from "../core";
import type { DuckDbSession } from "../resources/duckdb";

export interface KernelRun {
  /** The query the step stages: the kernel's `select` over its output, or the whole output. */
  query: string;
  inputRows: number;
  outputRows: number;
  /** Milliseconds reading the input and in the kernel (its output is read while the query is staged). */
  ms: { input: number; kernel: number };
  /** Let go of the output's arrays once the query has been staged. */
  release(): void;
}

export async function runKernel(db: DuckDbSession, kernel: KernelTransform, name: string): Promise<KernelRun> {
  const started = performance.now();
  const input = await db.readColumns(kernel.input);
  const read = performance.now();
  const output = kernel.run(input);
  if (output instanceof Promise) {
    throw new MaterializeError("A kernel's run returned a promise.", { hint: "A kernel is a synchronous scan over its input columns: do any asynchronous work in materialize before returning { kernel }." });
  }
  const ran = performance.now();
  // table functions are the instance's, shared by concurrent steps: a name of its own
  const scan = db.scanColumns(`${name.replace(/\W/g, "_")}_${randomBytes(4).toString("hex")}`, output);
  return {
    query: kernel.select ? kernel.select(scan.relation) : `SELECT * FROM ${scan.relation}`,
    inputRows: input.length,
    outputRows: scan.rows,
    ms: { input: Math.round(read - started), kernel: Math.round(ran - read) },
    release: () => scan.release(),
  };
}
