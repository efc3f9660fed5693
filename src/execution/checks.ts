/**
 * Run an asset's checks on its staged output (the view `output`), before
 * anything is published. A check is SQL returning failing rows, or a
 * function returning an outcome. A check that errors counts as failed, with
 * the error as its message; an unknown column names the output's columns.
 */
import type { CheckDefinition, CheckOutcome, PartitionKeyContext, TimeWindow } from "../core";
import type { CheckResult, ColumnInfo } from "../resources/catalog";
import type { DuckDbSession } from "../resources/duckdb";

export const FAILING_SAMPLE_SIZE = 5;
export const OUTPUT_VIEW = "output";

export interface CheckRunArgs {
  db: DuckDbSession;
  asset: string;
  partition: string | null;
  timeWindow: TimeWindow | undefined;
  runId: string;
  schema: ColumnInfo[];
  previousSchema: ColumnInfo[] | undefined;
  /** Register another asset's published partitions as a view; returns the view name. */
  viewOf: (assetKey: string, partitionKeys?: string[]) => Promise<string>;
  context?: PartitionKeyContext;
}

export async function runChecks(checks: readonly CheckDefinition[], args: CheckRunArgs): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) results.push(await runCheck(check, args));
  return results;
}

async function runCheck(check: CheckDefinition, args: CheckRunArgs): Promise<CheckResult> {
  const started = Date.now();
  let outcome: CheckOutcome;
  try {
    outcome = typeof check.check === "string" ? await failingRowsCheck(check.check, args) : await check.check(checkContext(args));
  } catch (error) {
    outcome = { passed: false, message: describeCheckError(error, args.schema) };
  }
  return {
    check: check.name,
    asset: args.asset,
    partition: args.partition,
    passed: outcome.passed,
    severity: check.severity,
    blocking: check.blocking,
    measured: outcome.measured ?? null,
    threshold: outcome.threshold ?? null,
    failingCount: outcome.failingCount ?? null,
    failingSample: toJsonRows((outcome.failingRows ?? []).slice(0, FAILING_SAMPLE_SIZE)),
    message: outcome.message ?? null,
    durationMs: Date.now() - started,
    evaluatedAt: new Date().toISOString(),
    runId: args.runId,
  };
}

/** SQL returning failing rows: passes when it returns none. */
async function failingRowsCheck(sql: string, args: CheckRunArgs): Promise<CheckOutcome> {
  const body = sql.trim().replace(/;\s*$/, "");
  const [count] = await args.db.all<{ n: bigint }>(`SELECT count(*) AS n FROM (${body}) AS failing`);
  const failingCount = Number(count?.n ?? 0);
  const failingRows = failingCount > 0 ? await args.db.all(`SELECT * FROM (${body}) AS failing LIMIT ${FAILING_SAMPLE_SIZE}`) : [];
  return { passed: failingCount === 0, measured: failingCount, threshold: 0, failingCount, failingRows };
}

function checkContext(args: CheckRunArgs) {
  return {
    assetKey: args.asset,
    partitionKey: args.partition ?? undefined,
    timeWindow: args.timeWindow,
    sql: args.db,
    previousSchema: args.previousSchema,
    viewOf: args.viewOf,
  };
}

/** DuckDB binder errors for a missing column, unqualified and qualified (`o."x"` in a join). */
const UNKNOWN_COLUMN = [/Referenced column "([^"]+)" not found/i, /does not have a column named "([^"]+)"/i];

function describeCheckError(error: unknown, schema: ColumnInfo[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const column = UNKNOWN_COLUMN.map((pattern) => pattern.exec(message)?.[1]).find((name) => name !== undefined);
  if (column !== undefined) {
    const columns = schema.map((c) => c.name).join(", ");
    // The output has it: the column is missing from the other side (an asset the check compares with).
    if (schema.some((c) => c.name === column)) return `check references column "${column}", which the compared asset does not have; the output's columns are: ${columns}`;
    const suggestion = /Candidate bindings: "([^"]+)"/.exec(message)?.[1];
    return `check references unknown column "${column}"; the output's columns are: ${columns}${suggestion && schema.some((c) => c.name === suggestion) ? ` (did you mean "${suggestion}"?)` : ""}`;
  }
  return `check failed to run: ${message.split("\n")[0]}`;
}

/** Rows as JSON-safe values (bigint → number or string, Date → ISO). */
export function toJsonRows(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJsonValue(v)])));
}

function toJsonValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}
