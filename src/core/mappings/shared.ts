/** Helpers shared by the partition mappings. */
import { PartitionKeyError, PartitionMappingError } from "../errors";
import { describePartitions, isMultiPartitions, isTimePartitions } from "../partitions/guards";
import type { PartitionKeyContext, PartitionsDefinition } from "../partitions/types";
import type { UpstreamPartitions } from "./types";

/** The result for an unpartitioned upstream: it has no keys, the whole asset is read. */
export function wholeUpstream(): UpstreamPartitions {
  return { keys: [], nonexistent: [] };
}

/** Sort mapped upstream keys into those the upstream definition has now and those it does not. */
export function splitByExistence(keys: readonly string[], upstream: PartitionsDefinition, context: PartitionKeyContext): UpstreamPartitions {
  const result = wholeUpstream();
  for (const key of keys) (upstream.hasKey(key, context) ? result.keys : result.nonexistent).push(key);
  return result;
}

/** The key of a partitioned side; a PartitionMappingError when the caller passed none. */
export function requireKey(key: string | undefined, side: "downstream" | "upstream", mapping: string, def: PartitionsDefinition): string {
  if (key === undefined) {
    throw new PartitionMappingError(`${mapping} needs a ${side} partition key: the ${side} asset is partitioned by ${def.id}.`, {
      hint: `Pass the ${side} partition key.`,
    });
  }
  return key;
}

/**
 * Throws PartitionKeyError unless `key` has the shape of a key of `def`:
 * the format (and, for hourly keys, an hour the clocks do not skip) for time
 * partitions, membership for static ones, both parts for multi ones. Range,
 * "now" and the catalog are not consulted: mappings look past the edges of
 * a range and report what lies beyond as nonexistent.
 */
export function assertKeyShape(def: PartitionsDefinition, key: string): void {
  if (isTimePartitions(def)) {
    def.timeWindow(key);
  } else if (isMultiPartitions(def)) {
    const values = def.split(key);
    for (const { name, partitions } of def.dimensions) assertKeyShape(partitions, values[name] ?? "");
  } else if (def.kind === "static") {
    def.validateKey(key);
  } else if (typeof key !== "string" || key === "") {
    throw new PartitionKeyError(`Partition key ${JSON.stringify(key)} is not a valid key of ${def.id} (expected ${def.keyFormat}).`);
  }
}

/** "downstream X and upstream Y", for messages. */
export function describePair(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): string {
  return `downstream ${describePartitions(downstream)} and upstream ${describePartitions(upstream)}`;
}
