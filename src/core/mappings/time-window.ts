/**
 * Time window (Dagster's TimeWindowPartitionMapping): a downstream partition
 * reads the upstream partitions overlapping its time window, stretched by
 * `startOffset`/`endOffset` downstream partitions. That covers
 * - the same granularity: offsets 0 = the same partition, startOffset -1 =
 *   also the previous one (lookback), endOffset +1 = also the next one;
 * - fan-in (monthly downstream reading daily upstream: every day of the month);
 * - fan-out (daily downstream reading monthly upstream: the day's month);
 * - self-dependency: `{ startOffset: -1, endOffset: -1, allowNonexistentUpstream: true }`
 *   reads the previous partition of the asset itself, none for the first one.
 * Mapped keys before the upstream's start, after its end or not yet complete
 * are returned as `nonexistent`.
 *
 * Besides two time definitions it maps two multi definitions that each have
 * one time dimension and share the other dimension (`2025-10|ES` reads
 * `2025-09|ES` with startOffset -1): the time part maps as above, the other
 * part is carried over.
 */
import { PartitionMappingError } from "../errors";
import { resolveContext } from "../partitions/context";
import { isMultiPartitions, isTimePartitions } from "../partitions/guards";
import type { MultiDimension, MultiPartitionsDefinition, PartitionKeyContext, PartitionsDefinition, TimePartitionsDefinition } from "../partitions/types";
import { assertKeyShape, describePair, requireKey, splitByExistence } from "./shared";
import { downstreamTimeKeys, upstreamTimeKeys, type Offsets } from "./time-window-keys";
import type { PartitionMapping, UpstreamPartitions } from "./types";

export interface TimeWindowMappingOptions {
  /** Downstream partitions before (negative) or after the downstream partition where the window starts. Default 0. */
  startOffset?: number;
  /** Downstream partitions before (negative) or after the downstream partition where the window ends. Default 0. */
  endOffset?: number;
  /** Let planning drop mapped upstream partitions that do not exist (e.g. the month before the first). Default false. */
  allowNonexistentUpstream?: boolean;
}

export function timeWindowMapping(options: TimeWindowMappingOptions = {}): PartitionMapping {
  return new TimeWindowMapping(options);
}

/**
 * One side of the mapping: a time definition, or a multi definition whose
 * dimension `timeName` is time. `other` names the multi definitions' shared
 * non-time dimension, whose value is carried over unchanged.
 */
interface TimeSide {
  def: PartitionsDefinition;
  time: TimePartitionsDefinition;
  timeName: string | undefined;
}

interface TimePair {
  downstream: TimeSide;
  upstream: TimeSide;
  other: string | undefined;
}

class TimeWindowMapping implements PartitionMapping {
  readonly kind = "timeWindow";
  readonly allowNonexistentUpstream: boolean;
  private readonly offsets: Offsets;

  constructor(options: TimeWindowMappingOptions) {
    const { startOffset = 0, endOffset = 0, allowNonexistentUpstream = false } = options;
    if (!Number.isInteger(startOffset) || !Number.isInteger(endOffset) || startOffset > endOffset) {
      throw new PartitionMappingError(`timeWindowMapping: offsets must be integers with startOffset <= endOffset, got startOffset=${startOffset}, endOffset=${endOffset}.`, {
        hint: "e.g. { startOffset: -1, endOffset: 0 } reads the previous and the current partition.",
      });
    }
    this.offsets = { startOffset, endOffset };
    this.allowNonexistentUpstream = allowNonexistentUpstream;
  }

  describe(): string {
    const { startOffset, endOffset } = this.offsets;
    const parts = [
      startOffset !== 0 ? `startOffset=${startOffset}` : undefined,
      endOffset !== 0 ? `endOffset=${endOffset}` : undefined,
      this.allowNonexistentUpstream ? "allowNonexistentUpstream=true" : undefined,
    ];
    return `timeWindow(${parts.filter((part) => part !== undefined).join(", ")})`;
  }

  validate(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): void {
    this.timePair(downstream, upstream);
  }

  upstreamFor(
    downstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): UpstreamPartitions {
    const pair = this.timePair(downstream, upstream);
    const key = requireKey(downstreamKey, "downstream", this.describe(), pair.downstream.def);
    const { time, other } = splitTimeKey(pair.downstream, pair.other, key);
    const keys = upstreamTimeKeys(time, pair.downstream.time, pair.upstream.time, this.offsets).map((upstreamTime) =>
      joinTimeKey(pair.upstream, pair.other, upstreamTime, other),
    );
    return splitByExistence(keys, pair.upstream.def, resolveContext(context));
  }

  downstreamFor(
    upstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition | undefined,
    context?: PartitionKeyContext,
  ): string[] {
    const pair = this.timePair(downstream, upstream);
    const key = requireKey(upstreamKey, "upstream", this.describe(), pair.upstream.def);
    const { time, other } = splitTimeKey(pair.upstream, pair.other, key);
    const resolved = resolveContext(context);
    return downstreamTimeKeys(time, pair.downstream.time, pair.upstream.time, this.offsets)
      .map((downstreamTime) => joinTimeKey(pair.downstream, pair.other, downstreamTime, other))
      .filter((downstreamKey) => pair.downstream.def.hasKey(downstreamKey, resolved));
  }

  private timePair(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): TimePair {
    if (isTimePartitions(downstream) && isTimePartitions(upstream)) {
      return { downstream: { def: downstream, time: downstream, timeName: undefined }, upstream: { def: upstream, time: upstream, timeName: undefined }, other: undefined };
    }
    if (isMultiPartitions(downstream) && isMultiPartitions(upstream)) {
      const down = multiTimeSide(downstream);
      const up = multiTimeSide(upstream);
      if (down && up && down.other.name === up.other.name && down.other.partitions.id === up.other.partitions.id) {
        return { downstream: down.side, upstream: up.side, other: down.other.name };
      }
    }
    throw new PartitionMappingError(`${this.describe()} maps between time partitions, got ${describePair(downstream, upstream)}.`, {
      hint:
        "Use it between two time partitions definitions, or two multi partitions definitions with one time dimension each and the same other dimension. " +
        "For static or dynamic partitions use identityMapping(), allMapping() or specificKeysMapping([...]); between multi and single partitions use multiToSingleMapping(dimension).",
    });
  }
}

/** A multi definition's single time dimension and its other dimension, or undefined when it has no or two time dimensions. */
function multiTimeSide(def: MultiPartitionsDefinition): { side: TimeSide; other: MultiDimension } | undefined {
  const [first, second] = def.dimensions;
  if (isTimePartitions(first.partitions) && !isTimePartitions(second.partitions)) {
    return { side: { def, time: first.partitions, timeName: first.name }, other: second };
  }
  if (isTimePartitions(second.partitions) && !isTimePartitions(first.partitions)) {
    return { side: { def, time: second.partitions, timeName: second.name }, other: first };
  }
  return undefined;
}

/** The time part of a key, and the value of the other dimension for multi keys. Throws PartitionKeyError on malformed keys. */
function splitTimeKey(side: TimeSide, otherName: string | undefined, key: string): { time: string; other: string | undefined } {
  assertKeyShape(side.def, key);
  if (side.timeName === undefined || otherName === undefined || !isMultiPartitions(side.def)) return { time: key, other: undefined };
  const values = side.def.split(key);
  return { time: values[side.timeName] ?? "", other: values[otherName] };
}

function joinTimeKey(side: TimeSide, otherName: string | undefined, time: string, other: string | undefined): string {
  if (side.timeName === undefined || otherName === undefined || other === undefined || !isMultiPartitions(side.def)) return time;
  return side.def.join({ [side.timeName]: time, [otherName]: other });
}
