/** Built-in asset check factories. Each returns a CheckSpec to list on an asset or pass to defineCheck. */
export type { CheckFactoryOptions } from "./shared";
export { rowCount, type RowCountBounds } from "./row-count";
export { notNull } from "./not-null";
export { unique } from "./unique";
export { acceptedValues, type AcceptedValue } from "./accepted-values";
export { inRange, type RangeBound } from "./in-range";
export { schemaUnchanged, schemaChanges, type SchemaChange } from "./schema-unchanged";
export type { AgainstAsset } from "./against";
export type { Measure } from "./measure";
export { reconciliation, type ReconciliationSpec, type Tolerance } from "./reconciliation";
export { rowsMatch, type RowsMatchSpec } from "./rows-match";
export { rejectRate, DEFAULT_MAX_REJECT_RATE, type RejectRateSpec } from "./reject-rate";
export {
  freshness,
  evaluateFreshness,
  partitionDeadlineOf,
  freshnessPolicyOf,
  type FreshnessPolicy,
  type FreshnessSpec,
  type FreshnessCheckSpec,
  type FreshnessEvaluation,
  type FreshnessInput,
  type FreshnessStatus,
  type PartitionDeadline,
} from "./freshness";
