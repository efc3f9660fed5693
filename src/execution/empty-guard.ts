/**
 * The framework's guard against silent data loss: a partition that had rows
 * is never republished with none unless its asset declares `allowEmpty`.
 * An empty result after a non-empty one is far more often a broken input
 * (a garbage vendor file, an upstream outage) than real data going to zero,
 * and publishing it would replace the last good version.
 *
 * It runs with the asset's checks on the staged output, as the blocking
 * check `not_emptied`, whenever a previous version with rows exists: a
 * failure blocks the step (nothing published, downstream skipped) and pages
 * like any failed blocking check; the next good publish passes it, which
 * resolves that incident.
 */
import type { CheckResult } from "../resources/catalog";

export const NOT_EMPTIED_CHECK = "not_emptied";

export interface EmptyGuardInput {
  asset: string;
  partition: string | null;
  runId: string;
  allowEmpty: boolean;
  stagedRows: number;
  /** Rows of the version published now, if any. */
  publishedRows: number | undefined;
}

/** The guard's result, or undefined when it does not apply (no earlier rows, or the asset allows empty). */
export function emptyGuardResult(input: EmptyGuardInput): CheckResult | undefined {
  if (input.allowEmpty || input.publishedRows === undefined || input.publishedRows === 0) return undefined;
  const passed = input.stagedRows > 0;
  const where = input.partition === null ? input.asset : `${input.asset} [${input.partition}]`;
  return {
    check: NOT_EMPTIED_CHECK,
    asset: input.asset,
    partition: input.partition,
    passed,
    severity: "error",
    blocking: true,
    measured: input.stagedRows,
    threshold: "> 0",
    failingCount: passed ? null : 1,
    failingSample: passed ? [] : [{ publishedRows: input.publishedRows, stagedRows: input.stagedRows }],
    message: passed
      ? `${input.stagedRows} rows (the published version has ${input.publishedRows})`
      : `${where} would replace its ${input.publishedRows} published rows with 0; nothing was published. Fix the input, or declare allowEmpty: true on the asset if an empty partition is real.`,
    durationMs: 0,
    evaluatedAt: new Date().toISOString(),
    runId: input.runId,
  };
}
