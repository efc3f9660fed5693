/** Partitions definitions: time (monthly, daily, hourly), static, multi and dynamic. */
export type {
  DynamicPartitionsDefinition,
  MultiDimension,
  MultiPartitionsDefinition,
  PartitionKeyContext,
  PartitionsDefinition,
  PartitionsKind,
  StaticPartitionsDefinition,
  TimeGranularity,
  TimePartitionsDefinition,
  TimeWindow,
} from "./types";
export { monthlyPartitions, dailyPartitions, hourlyPartitions } from "./time";
export type { TimePartitionsSpec } from "./time";
export { staticPartitions } from "./static";
export { dynamicPartitions } from "./dynamic";
export { multiPartitions, MULTI_KEY_SEPARATOR } from "./multi";
export { isTimePartitions, isStaticPartitions, isDynamicPartitions, isMultiPartitions, samePartitions, describePartitions } from "./guards";
