/**
 * The contract every partitions definition implements. Keys are strings; a
 * definition knows its keys, validates them and (for time partitions) maps
 * them to time windows. Pure: workflow code imports this.
 */

/** A half-open time interval [start, end). */
export interface TimeWindow {
  start: Date;
  end: Date;
}

/** What key enumeration may depend on besides the definition itself. */
export interface PartitionKeyContext {
  /** "Now" for open-ended time partitions (no `end`): only complete partitions exist. Defaults to the current time. */
  now?: Date;
  /** Keys of dynamic partitions by definition name (they live in the catalog). */
  dynamicKeys?: (name: string) => readonly string[];
}

export type PartitionsKind = "time" | "static" | "multi" | "dynamic";

export interface PartitionsDefinition {
  readonly kind: PartitionsKind;
  /** A stable, human-readable identity, e.g. `monthly(start=2011-01, tz=UTC)`; equal ids mean equal definitions. */
  readonly id: string;
  /** The expected key format, for error messages, e.g. `YYYY-MM`. */
  readonly keyFormat: string;
  /** Throws PartitionKeyError naming the expected format or range when `key` is not a key of this definition. */
  validateKey(key: string, context?: PartitionKeyContext): void;
  hasKey(key: string, context?: PartitionKeyContext): boolean;
  /** All keys, in order. */
  keys(context?: PartitionKeyContext): string[];
  /** Keys from `from` to `to`, both inclusive, in order. Throws PartitionKeyError when either is invalid or from > to. */
  keysInRange(from: string, to: string, context?: PartitionKeyContext): string[];
}

export type TimeGranularity = "hourly" | "daily" | "monthly";

export interface TimePartitionsDefinition extends PartitionsDefinition {
  readonly kind: "time";
  readonly granularity: TimeGranularity;
  readonly timezone: string;
  /** First partition's start. */
  readonly start: Date;
  /** Exclusive end of the last partition, if bounded. */
  readonly end: Date | undefined;
  timeWindow(key: string): TimeWindow;
  /** The key of the partition containing instant `t` (whether or not it is in range). */
  keyForTime(t: Date): string;
  /** The key `n` partitions after `key` (negative: before), ignoring range bounds. */
  offsetKey(key: string, n: number): string;
  previous(key: string): string | undefined;
  next(key: string, context?: PartitionKeyContext): string | undefined;
  /** The last partition whose window ended at or before `t` and that is in range; undefined if none. */
  lastCompleteBefore(t: Date): string | undefined;
  /** In-range keys whose windows overlap `window`, in order. */
  keysOverlapping(window: TimeWindow, context?: PartitionKeyContext): string[];
  /** True when `key` is well-formed but before start or at/after end. */
  isOutOfRange(key: string): boolean;
}

export interface StaticPartitionsDefinition extends PartitionsDefinition {
  readonly kind: "static";
  readonly values: readonly string[];
}

export interface DynamicPartitionsDefinition extends PartitionsDefinition {
  readonly kind: "dynamic";
  /** Name under which the catalog stores this definition's keys. */
  readonly name: string;
}

export interface MultiPartitionsDefinition extends PartitionsDefinition {
  readonly kind: "multi";
  /** Exactly two dimensions; a key is `<first>|<second>`, e.g. `2025-10|ES`. */
  readonly dimensions: readonly [MultiDimension, MultiDimension];
  /** Split a key into its dimension values by dimension name. */
  split(key: string): Record<string, string>;
  /** Join dimension values (by dimension name) into a key. */
  join(values: Record<string, string>): string;
}

export interface MultiDimension {
  name: string;
  partitions: PartitionsDefinition;
}
