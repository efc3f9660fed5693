/**
 * `materia`: the authoring API, and only that. A deliberate list: what a
 * pipeline author declares assets, checks, jobs, schedules, sensors and
 * resources with, the errors an author throws, and the types these need.
 * Planning, the catalog, Temporal and the CLI are internals and stay out.
 */

// Definitions
export { defineAsset, defineMultiAsset, defineSourceAsset } from "./core/definitions/asset";
export { defineCheck } from "./core/definitions/check";
export { defineJob, defineSchedule } from "./core/definitions/job";
export { defineSensor } from "./core/definitions/sensor";
export { defineDefinitions } from "./core/definitions/registry";
export { defineResource } from "./core/definitions/resource";
export { defineGenerator } from "./core/definitions/generator";
export { defineConfig } from "./core/definitions/project";
// A transform as a loop over typed-array columns (path-dependent scans SQL has no efficient form for).
export { defineKernel } from "./core/definitions/kernel";

// Partitions and partition mappings
export { monthlyPartitions, dailyPartitions, hourlyPartitions, staticPartitions, dynamicPartitions, multiPartitions } from "./core/partitions";
export { identityMapping, allMapping, timeWindowMapping, lastMapping, specificKeysMapping, multiToSingleMapping } from "./core/mappings";

// Built-in checks and sensors
export { rowCount, notNull, unique, acceptedValues, inRange, schemaUnchanged, reconciliation, rowsMatch, rejectRate, freshness } from "./core/checks";
export { landingSensor, assetMaterializedSensor } from "./core/sensors";

// Declarative automation: when the code location's automation workflow materializes an asset
export { onCron, onMissing, onUpstreamUpdated, anyOf } from "./core/definitions/automation";
export type { AutomationCondition, AutomationWindow } from "./core/definitions/automation";

// Errors an author throws (and catches)
export {
  MateriaError,
  NonRetryableError,
  DefinitionError,
  AssetGraphError,
  PartitionKeyError,
  PartitionMappingError,
  SelectionError,
  PlanningError,
  MaterializeError,
  CheckFailedError,
} from "./core/errors";

// Types
export type { ErrorOptions } from "./core/errors";
export type {
  AssetSpec,
  BackfillPolicy,
  MultiAssetSpec,
  AssetOutputSpec,
  SourceAssetSpec,
  AssetDepSpec,
  AssetDefinition,
  MultiAssetDefinition,
  SourceAssetDefinition,
  AnyAssetDefinition,
  RetrySpec,
  TimeoutSpec,
  ParquetOptions,
  ObserveContext,
  Observation,
  // What `config` on an asset takes (a zod schema fits), and a declared dependency as an asset definition holds it.
  RunConfigSchema,
  AssetDep,
} from "./core/definitions/asset";
export type { CheckSpec, CheckDefinition, CheckContext, CheckOutcome, CheckSeverity, CheckBody } from "./core/definitions/check";
export type { MaterializeContext, MaterializeResult, MultiMaterializeResult, OutputResult, SqlConnection, SqlValue, ObjectReader, AssetLogger } from "./core/definitions/context";
export type { KernelTransform, KernelInput, KernelOutput, KernelOutputColumn, KernelOutputType, KernelArray } from "./core/definitions/kernel";
export type { JobSpec, JobDefinition, ScheduleSpec, ScheduleDefinition } from "./core/definitions/job";
export type { SensorSpec, SensorDefinition, SensorContext, SensorResult, RunRequest, MaterializationReader } from "./core/definitions/sensor";
export type { DefinitionsSpec, Definitions } from "./core/definitions/registry";
export type { ResourceSpec, ResourceDefinition, SettingsSchema } from "./core/definitions/resource";
export type { GeneratorSpec, GeneratorDefinition, GeneratorContext, LandingWriter } from "./core/definitions/generator";
export type { ProjectConfig, CodeLocationConfig } from "./core/definitions/project";
// What the partition factories return, so an author can name them (e.g. to call `timeWindow(key)` on monthly partitions).
export type {
  PartitionsDefinition,
  PartitionsKind,
  PartitionKeyContext,
  TimePartitionsDefinition,
  TimeGranularity,
  StaticPartitionsDefinition,
  DynamicPartitionsDefinition,
  MultiPartitionsDefinition,
  MultiDimension,
  TimeWindow,
  TimePartitionsSpec,
} from "./core/partitions";
// UpstreamPartitions: what a custom PartitionMapping's upstreamFor returns.
export type { PartitionMapping, UpstreamPartitions, TimeWindowMappingOptions } from "./core/mappings";
export type {
  CheckFactoryOptions,
  RowCountBounds,
  AcceptedValue,
  RangeBound,
  ReconciliationSpec,
  Tolerance,
  RowsMatchSpec,
  RejectRateSpec,
  FreshnessSpec,
  FreshnessCheckSpec,
  FreshnessPolicy,
  PartitionDeadline,
  AgainstAsset,
  Measure,
} from "./core/checks";
export type { LandingSensorSpec, AssetMaterializedSensorSpec } from "./core/sensors";
