/**
 * Multi ↔ single on one dimension. With dimension "date":
 * - a single downstream (monthly `2025-10`) reading a multi upstream
 *   (month × root) reads every upstream key whose date is `2025-10`:
 *   `2025-10|ES`, `2025-10|NQ`, …;
 * - a multi downstream (`2025-10|ES`) reading a single upstream (monthly)
 *   reads the upstream key equal to its date, `2025-10`.
 * The dimension's definition must equal the single side's (same id).
 */
import { PartitionMappingError } from "../errors";
import { resolveContext } from "../partitions/context";
import { isMultiPartitions } from "../partitions/guards";
import type { MultiDimension, MultiPartitionsDefinition, PartitionKeyContext, PartitionsDefinition } from "../partitions/types";
import { assertKeyShape, describePair, requireKey, splitByExistence } from "./shared";
import type { PartitionMapping, UpstreamPartitions } from "./types";

export function multiToSingleMapping(dimension: string): PartitionMapping {
  return new MultiToSingleMapping(dimension);
}

/** Which side is multi, and its dimension other than the mapped one. */
interface Sides {
  multi: MultiPartitionsDefinition;
  single: PartitionsDefinition;
  other: MultiDimension;
  /** True when the downstream is the single side (it reads many upstream keys). */
  downstreamIsSingle: boolean;
}

class MultiToSingleMapping implements PartitionMapping {
  readonly kind = "multiToSingle";
  readonly allowNonexistentUpstream = false;

  constructor(readonly dimension: string) {
    if (typeof dimension !== "string" || dimension === "") {
      throw new PartitionMappingError(`multiToSingleMapping needs a dimension name, got ${JSON.stringify(dimension)}.`, { hint: 'e.g. multiToSingleMapping("date")' });
    }
  }

  describe(): string {
    return `multiToSingle(dimension=${this.dimension})`;
  }

  validate(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): void {
    this.sides(downstream, upstream);
  }

  upstreamFor(
    downstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): UpstreamPartitions {
    const sides = this.sides(downstream, upstream);
    const resolved = resolveContext(context);
    const key = requireKey(downstreamKey, "downstream", this.describe(), sides.downstreamIsSingle ? sides.single : sides.multi);
    if (sides.downstreamIsSingle) {
      assertKeyShape(sides.single, key);
      return splitByExistence(this.multiKeysWith(sides, key, resolved), sides.multi, resolved);
    }
    assertKeyShape(sides.multi, key);
    return splitByExistence([sides.multi.split(key)[this.dimension] ?? ""], sides.single, resolved);
  }

  downstreamFor(
    upstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): string[] {
    const sides = this.sides(downstream, upstream);
    const resolved = resolveContext(context);
    const key = requireKey(upstreamKey, "upstream", this.describe(), sides.downstreamIsSingle ? sides.multi : sides.single);
    if (sides.downstreamIsSingle) {
      assertKeyShape(sides.multi, key);
      const value = sides.multi.split(key)[this.dimension] ?? "";
      return sides.single.hasKey(value, resolved) ? [value] : [];
    }
    assertKeyShape(sides.single, key);
    return this.multiKeysWith(sides, key, resolved).filter((multiKey) => sides.multi.hasKey(multiKey, resolved));
  }

  /** The multi keys whose mapped dimension is `value`, in the multi definition's key order. */
  private multiKeysWith(sides: Sides, value: string, context: PartitionKeyContext): string[] {
    return sides.other.partitions.keys(context).map((otherValue) => sides.multi.join({ [this.dimension]: value, [sides.other.name]: otherValue }));
  }

  private sides(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): Sides {
    const pair = multiAndSingle(downstream, upstream);
    if (pair === undefined) {
      throw new PartitionMappingError(`${this.describe()} maps between a multi and a single partitions definition, got ${describePair(downstream, upstream)}.`, {
        hint: "Use identityMapping() between equal multi definitions, allMapping() to or from an unpartitioned asset.",
      });
    }
    const { multi, single, downstreamIsSingle } = pair;
    const mapped = multi.dimensions.find((dimension) => dimension.name === this.dimension);
    const other = multi.dimensions.find((dimension) => dimension.name !== this.dimension);
    if (mapped === undefined || other === undefined) {
      throw new PartitionMappingError(`${this.describe()}: ${multi.id} has no dimension "${this.dimension}".`, {
        hint: `Use one of its dimensions: ${multi.dimensions.map((dimension) => `"${dimension.name}"`).join(", ")}.`,
      });
    }
    if (mapped.partitions.id !== single.id) {
      throw new PartitionMappingError(`${this.describe()}: dimension "${this.dimension}" is ${mapped.partitions.id} but the single side is ${single.id}; they must be equal.`, {
        hint: "Give the single asset the same partitions definition as that dimension (the same object is simplest).",
      });
    }
    return { multi, single, other, downstreamIsSingle };
  }
}

function multiAndSingle(
  downstream: PartitionsDefinition | undefined,
  upstream: PartitionsDefinition | undefined,
): { multi: MultiPartitionsDefinition; single: PartitionsDefinition; downstreamIsSingle: boolean } | undefined {
  if (isMultiPartitions(upstream) && downstream !== undefined && !isMultiPartitions(downstream)) return { multi: upstream, single: downstream, downstreamIsSingle: true };
  if (isMultiPartitions(downstream) && upstream !== undefined && !isMultiPartitions(upstream)) return { multi: downstream, single: upstream, downstreamIsSingle: false };
  return undefined;
}
