/** Last: read only the upstream's last existing partition (e.g. the latest reference data). */
import { PartitionMappingError } from "../errors";
import { resolveContext, type ResolvedContext } from "../partitions/context";
import { isTimePartitions } from "../partitions/guards";
import type { PartitionKeyContext, PartitionsDefinition } from "../partitions/types";
import { describePair } from "./shared";
import type { PartitionMapping, UpstreamPartitions } from "./types";

export function lastMapping(): PartitionMapping {
  return new LastMapping();
}

class LastMapping implements PartitionMapping {
  readonly kind = "last";
  readonly allowNonexistentUpstream = false;

  describe(): string {
    return "last";
  }

  validate(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): void {
    this.partitionedUpstream(downstream, upstream);
  }

  /** The last upstream key, or no keys while the upstream has no partition yet. */
  upstreamFor(
    _downstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): UpstreamPartitions {
    const last = lastKey(this.partitionedUpstream(downstream, upstream), resolveContext(context));
    return { keys: last === undefined ? [] : [last], nonexistent: [] };
  }

  /** Every downstream partition reads the last upstream one, and only that. */
  downstreamFor(
    upstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): string[] {
    const resolved = resolveContext(context);
    const last = lastKey(this.partitionedUpstream(downstream, upstream), resolved);
    return downstream !== undefined && last !== undefined && upstreamKey === last ? downstream.keys(resolved) : [];
  }

  private partitionedUpstream(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): PartitionsDefinition {
    if (upstream !== undefined) return upstream;
    throw new PartitionMappingError(`last needs a partitioned upstream, got ${describePair(downstream, upstream)}.`, {
      hint: "An unpartitioned upstream is read whole: use allMapping(), or leave the mapping out.",
    });
  }
}

function lastKey(upstream: PartitionsDefinition, context: ResolvedContext): string | undefined {
  // Time partitions know their last key without listing them all.
  return isTimePartitions(upstream) ? upstream.lastCompleteBefore(context.now) : upstream.keys(context).at(-1);
}
