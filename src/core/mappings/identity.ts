/** Identity: downstream partition K reads upstream partition K. Both sides must have equal definitions. */
import { PartitionMappingError } from "../errors";
import { resolveContext } from "../partitions/context";
import { samePartitions } from "../partitions/guards";
import type { PartitionKeyContext, PartitionsDefinition } from "../partitions/types";
import { assertKeyShape, describePair, requireKey, splitByExistence, wholeUpstream } from "./shared";
import type { PartitionMapping, UpstreamPartitions } from "./types";

export function identityMapping(): PartitionMapping {
  return new IdentityMapping();
}

class IdentityMapping implements PartitionMapping {
  readonly kind = "identity";
  readonly allowNonexistentUpstream = false;

  describe(): string {
    return "identity";
  }

  validate(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): void {
    if (samePartitions(downstream, upstream)) return;
    throw new PartitionMappingError(`identity needs equal partitions definitions on both sides, got ${describePair(downstream, upstream)}.`, {
      hint: "Between time partitions of different granularity use timeWindowMapping(); to read every upstream partition use allMapping().",
    });
  }

  upstreamFor(
    downstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): UpstreamPartitions {
    this.validate(downstream, upstream);
    if (upstream === undefined) return wholeUpstream();
    const key = requireKey(downstreamKey, "downstream", this.describe(), upstream);
    assertKeyShape(upstream, key);
    return splitByExistence([key], upstream, resolveContext(context));
  }

  downstreamFor(
    upstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): string[] {
    this.validate(downstream, upstream);
    if (downstream === undefined) return [];
    const key = requireKey(upstreamKey, "upstream", this.describe(), downstream);
    assertKeyShape(downstream, key);
    return downstream.hasKey(key, context) ? [key] : [];
  }
}
