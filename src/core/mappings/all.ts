/**
 * All: every downstream partition (or the unpartitioned downstream) reads
 * every existing upstream partition, e.g. a model trained on all months.
 */
import { resolveContext } from "../partitions/context";
import type { PartitionKeyContext, PartitionsDefinition } from "../partitions/types";
import { wholeUpstream } from "./shared";
import type { PartitionMapping, UpstreamPartitions } from "./types";

export function allMapping(): PartitionMapping {
  return new AllMapping();
}

class AllMapping implements PartitionMapping {
  readonly kind = "all";
  readonly allowNonexistentUpstream = false;

  describe(): string {
    return "all";
  }

  /** Any pair of definitions works. */
  validate(_downstream: PartitionsDefinition | undefined, _upstream: PartitionsDefinition | undefined): void {}

  upstreamFor(
    _downstreamKey: string | undefined,
    _downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): UpstreamPartitions {
    if (upstream === undefined) return wholeUpstream();
    return { keys: upstream.keys(resolveContext(context)), nonexistent: [] };
  }

  downstreamFor(
    _upstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    _upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): string[] {
    return downstream === undefined ? [] : downstream.keys(resolveContext(context));
  }
}
