/**
 * A partition mapping says which upstream partitions a downstream partition
 * reads (and the reverse). Each mapping is a small module implementing this.
 */
import type { PartitionKeyContext, PartitionsDefinition } from "../partitions/types";

export interface UpstreamPartitions {
  /** Upstream keys that exist in the upstream definition, in order. */
  keys: string[];
  /**
   * Keys the mapping asked for that are outside the upstream definition
   * (e.g. the month before the first month). Planning fails on these unless
   * the mapping allows nonexistent upstream partitions.
   */
  nonexistent: string[];
}

export interface PartitionMapping {
  /** e.g. "identity", "timeWindow", "all". */
  readonly kind: string;
  /** Human-readable, for plans and errors: `timeWindow(startOffset=-1)`. */
  describe(): string;
  /** When true, `nonexistent` upstream keys are simply dropped. */
  readonly allowNonexistentUpstream: boolean;
  /**
   * Throws PartitionMappingError when this mapping cannot map between the two
   * definitions (`undefined` = unpartitioned).
   */
  validate(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): void;
  /** Upstream partitions read by downstream partition `downstreamKey` (undefined for an unpartitioned downstream). */
  upstreamFor(
    downstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): UpstreamPartitions;
  /** Downstream partitions that read upstream partition `upstreamKey` (for sensors and staleness propagation). */
  downstreamFor(
    upstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): string[];
}
