/**
 * Why a backfill's asset partitions ended without data: the backfill records
 * each failed, blocked or waiting node itself (step, partition, failed
 * checks, message), so the report needs no lookups.
 */
import type { BackfillFailure } from "../temporal/backfill-shared";
import type { RunSummary } from "../temporal/shared";

export function isRunSummary(value: unknown): value is RunSummary {
  return typeof value === "object" && value !== null && "steps" in value && Array.isArray(value.steps);
}

/** One line per recorded failure; `unrecorded`: how many more the backfill counted than it kept. */
export function formatFailures(failures: BackfillFailure[], unrecorded: number): string[] {
  const lines = failures.map((f) => `  ${f.partition ?? "(unpartitioned)"}  ${f.status}  ${f.step}: ${f.message}  (workflow ${f.workflowId})`);
  if (unrecorded > 0) lines.push(`  … and ${unrecorded} more`);
  return lines;
}
