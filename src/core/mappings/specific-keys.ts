/** Specific keys: every downstream partition reads the same, fixed upstream partitions (e.g. a reference month). */
import { PartitionKeyError, PartitionMappingError } from "../errors";
import { resolveContext } from "../partitions/context";
import { isTimePartitions } from "../partitions/guards";
import type { PartitionKeyContext, PartitionsDefinition } from "../partitions/types";
import { assertKeyShape, describePair, splitByExistence } from "./shared";
import type { PartitionMapping, UpstreamPartitions } from "./types";

export function specificKeysMapping(keys: readonly string[]): PartitionMapping {
  return new SpecificKeysMapping(keys);
}

class SpecificKeysMapping implements PartitionMapping {
  readonly kind = "specificKeys";
  readonly allowNonexistentUpstream = false;
  private readonly keys: readonly string[];

  constructor(keys: readonly string[]) {
    const valid = Array.isArray(keys) && keys.length > 0 && keys.every((key) => typeof key === "string" && key !== "");
    if (!valid || new Set(keys).size !== keys.length) {
      throw new PartitionMappingError(`specificKeysMapping needs a non-empty list of distinct, non-empty keys, got ${JSON.stringify(keys)}.`, {
        hint: 'e.g. specificKeysMapping(["2024-01"])',
      });
    }
    this.keys = Object.freeze([...keys]);
  }

  describe(): string {
    return `specificKeys(${JSON.stringify(this.keys)})`;
  }

  /** The keys must be keys of the upstream (by shape and range; whether time keys are complete yet, and dynamic keys, are known only at run time). */
  validate(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): void {
    this.checkedUpstream(downstream, upstream);
  }

  private checkedUpstream(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): PartitionsDefinition {
    if (upstream === undefined) {
      throw new PartitionMappingError(`${this.describe()} needs a partitioned upstream, got ${describePair(downstream, upstream)}.`, {
        hint: "An unpartitioned upstream is read whole: use allMapping(), or leave the mapping out.",
      });
    }
    for (const key of this.keys) {
      try {
        assertKeyShape(upstream, key);
        if (isTimePartitions(upstream) && upstream.isOutOfRange(key)) {
          throw new PartitionKeyError(`Partition key "${key}" is outside the range of ${upstream.id}.`);
        }
      } catch (error) {
        if (!(error instanceof PartitionKeyError)) throw error;
        throw new PartitionMappingError(`${this.describe()}: "${key}" is not a key of upstream ${upstream.id}: ${error.message}`, {
          hint: error.hint ?? `Use keys of the upstream partitions (${upstream.keyFormat}).`,
          cause: error,
        });
      }
    }
    return upstream;
  }

  upstreamFor(
    _downstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): UpstreamPartitions {
    return splitByExistence(this.keys, this.checkedUpstream(downstream, upstream), resolveContext(context));
  }

  /** All downstream partitions read one of the keys; the others are read by none. */
  downstreamFor(
    upstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): string[] {
    this.validate(downstream, upstream);
    if (downstream === undefined || upstreamKey === undefined || !this.keys.includes(upstreamKey)) return [];
    return downstream.keys(resolveContext(context));
  }
}
