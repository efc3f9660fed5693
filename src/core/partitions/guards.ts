/** Type guards and comparisons over partitions definitions (`undefined` = unpartitioned). */
import type {
  DynamicPartitionsDefinition,
  MultiPartitionsDefinition,
  PartitionsDefinition,
  StaticPartitionsDefinition,
  TimePartitionsDefinition,
} from "./types";

export function isTimePartitions(def: PartitionsDefinition | undefined): def is TimePartitionsDefinition {
  return def?.kind === "time";
}

export function isStaticPartitions(def: PartitionsDefinition | undefined): def is StaticPartitionsDefinition {
  return def?.kind === "static";
}

export function isDynamicPartitions(def: PartitionsDefinition | undefined): def is DynamicPartitionsDefinition {
  return def?.kind === "dynamic";
}

export function isMultiPartitions(def: PartitionsDefinition | undefined): def is MultiPartitionsDefinition {
  return def?.kind === "multi";
}

/** Equal definitions: the same id, or both unpartitioned. */
export function samePartitions(a: PartitionsDefinition | undefined, b: PartitionsDefinition | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.id === b.id;
}

/** For messages: the definition's id, or `unpartitioned`. */
export function describePartitions(def: PartitionsDefinition | undefined): string {
  return def?.id ?? "unpartitioned";
}
