/**
 * All: every downstream partition (or the unpartitioned downstream) reads
 * every existing upstream partition, e.g. a model trained on all months.
 * Partitions that were never materialized are skipped (the downstream reads
 * what exists); pass `{ requireAll: true }` to insist on every partition.
 * An unpartitioned upstream is always required.
 */
import { resolveContext } from "../partitions/context";
import type { PartitionKeyContext, PartitionsDefinition } from "../partitions/types";
import { wholeUpstream } from "./shared";
import type { PartitionMapping, UpstreamPartitions } from "./types";

export function allMapping(options: { requireAll?: boolean } = {}): PartitionMapping {
  return new AllMapping(!(options.requireAll ?? false));
}

class AllMapping implements PartitionMapping {
  readonly kind = "all";

  constructor(readonly allowNonexistentUpstream: boolean) {}

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
