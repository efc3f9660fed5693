/**
 * Asset checks: SQL over the staged output (a query returning failing rows),
 * or a function receiving the DuckDB connection. Run between staging and
 * publishing (write–audit–publish).
 */
import { DefinitionError } from "../errors";
import type { TimeWindow } from "../partitions/types";
import type { SqlConnection } from "./context";
import { validateAssetKey } from "./asset";

export type CheckSeverity = "warn" | "error";

export interface CheckContext {
  assetKey: string;
  partitionKey: string | undefined;
  timeWindow: TimeWindow | undefined;
  /** The staged output is the view `output` (and the asset's own view name); dependencies are views too. */
  sql: SqlConnection;
  /** Column schema of the previously published version, if any (for schemaUnchanged). */
  previousSchema: Array<{ name: string; type: string }> | undefined;
  /** Read another asset's published partition(s) as a view; returns the view name (for reconciliation checks). */
  viewOf: (assetKey: string, partitionKeys?: string[]) => Promise<string>;
}

export interface CheckOutcome {
  passed: boolean;
  /** What was measured (a count, a ratio, a sum). */
  measured?: number | string | null;
  /** What it was compared with, e.g. "<= 0.01". */
  threshold?: number | string | null;
  /** A bounded sample of failing rows. */
  failingRows?: Array<Record<string, unknown>>;
  failingCount?: number;
  message?: string;
}

/** SQL returning the failing rows (passes when it returns none), or a function. */
export type CheckBody = string | ((ctx: CheckContext) => Promise<CheckOutcome>);

export interface CheckSpec {
  name: string;
  /** Set when defined apart from the asset (defineCheck); checks listed on an asset take the asset's key. */
  asset?: string;
  description?: string;
  /** A failing blocking check publishes nothing and skips downstream. Default false. */
  blocking?: boolean;
  /** Default "error". */
  severity?: CheckSeverity;
  check: CheckBody;
}

export interface CheckDefinition {
  readonly type: "check";
  name: string;
  asset: string;
  description: string | undefined;
  blocking: boolean;
  severity: CheckSeverity;
  check: CheckBody;
}

const CHECK_NAME = /^[a-z_][a-z0-9_]*$/;

export function defineCheck(spec: CheckSpec & { asset: string }): CheckDefinition {
  return normalizeCheck(spec.asset, spec);
}

export function normalizeCheck(asset: string, spec: CheckSpec): CheckDefinition {
  validateAssetKey(asset, `asset of check "${spec.name}"`);
  if (!CHECK_NAME.test(spec.name)) {
    throw new DefinitionError(`Invalid check name "${spec.name}" on "${asset}".`, { hint: "Use snake_case: [a-z0-9_], starting with a letter." });
  }
  if (spec.severity !== undefined && spec.severity !== "warn" && spec.severity !== "error") {
    throw new DefinitionError(`Check "${spec.name}" on "${asset}" has severity "${String(spec.severity)}"; expected "warn" or "error".`);
  }
  if (typeof spec.check !== "string" && typeof spec.check !== "function") {
    throw new DefinitionError(`Check "${spec.name}" on "${asset}" needs \`check\`: SQL returning failing rows, or a function.`);
  }
  return {
    type: "check",
    name: spec.name,
    asset,
    description: spec.description,
    blocking: spec.blocking ?? false,
    severity: spec.severity ?? "error",
    check: spec.check,
  };
}
