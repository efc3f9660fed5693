/**
 * An asset may read its own earlier partitions (e.g. a running total reading
 * last month's value through a time-window mapping with negative offsets).
 * That orders partitions of one asset and is not a cycle, but only if every
 * partition reads strictly earlier ones: reading itself or a later partition
 * would deadlock. The mapping interface does not expose offsets, so the rule
 * is checked by asking the mapping what a few partitions read.
 */
import { AssetGraphError } from "../errors";
import type { PartitionMapping } from "../mappings/types";
import { describePartitions, isMultiPartitions, isStaticPartitions, isTimePartitions } from "../partitions";
import type { PartitionKeyContext, PartitionsDefinition, TimePartitionsDefinition } from "../partitions/types";

/** Time-window mappings are shift-invariant, so a few partitions from the start are a faithful sample. */
const TIME_PROBES = 3;
/** Dynamic keys live in the catalog; any one value serves to ask a mapping what a partition reads. */
const PROBE_CONTEXT: PartitionKeyContext = { dynamicKeys: () => ["probe"] };

interface ProbePlan {
  probes: string[];
  /** Negative when `a` comes strictly before `b` in the order partitions must be materialized. */
  compare: (a: string, b: string) => number;
}

export function validateSelfDependency(key: string, partitions: PartitionsDefinition | undefined, mapping: PartitionMapping): void {
  const plan = probePlan(partitions);
  if (partitions === undefined || plan === undefined) {
    const why =
      partitions === undefined
        ? "is unpartitioned, so it would read its own output"
        : `is partitioned by ${describePartitions(partitions)}, whose partitions have no order to read earlier ones from`;
    throw new AssetGraphError(`Asset "${key}" depends on itself but ${why}.`, {
      hint: "Only time, static, or multi partitions with a time dimension can depend on their own earlier partitions, e.g. with timeWindowMapping({ startOffset: -1, endOffset: -1, allowNonexistentUpstream: true }).",
    });
  }
  for (const probe of plan.probes) {
    const notEarlier = readKeys(key, mapping, partitions, probe).filter((read) => plan.compare(read, probe) >= 0);
    if (notEarlier.length > 0) {
      throw new AssetGraphError(
        `Asset "${key}" depends on itself with ${mapping.describe()}: partition ${probe} would read ${notEarlier.join(", ")} of itself, which is not earlier.`,
        { hint: "A self-dependency must read only earlier partitions: use negative offsets, e.g. timeWindowMapping({ startOffset: -1, endOffset: -1, allowNonexistentUpstream: true })." },
      );
    }
  }
}

/** Which partitions to ask about and how to order keys; undefined when the partitions have no order to rely on. */
function probePlan(partitions: PartitionsDefinition | undefined): ProbePlan | undefined {
  if (isTimePartitions(partitions)) return { probes: timeProbes(partitions), compare: compareCodeUnits };
  if (isStaticPartitions(partitions)) {
    const order = new Map(partitions.values.map((value, index) => [value, index]));
    // Keys outside the values do not exist, so they cannot deadlock: rank them first.
    return { probes: [...partitions.values], compare: (a, b) => (order.get(a) ?? -1) - (order.get(b) ?? -1) };
  }
  if (isMultiPartitions(partitions)) {
    const time = partitions.dimensions.find((dimension) => isTimePartitions(dimension.partitions));
    const other = partitions.dimensions.find((dimension) => dimension !== time);
    const otherValue = other?.partitions.keys(PROBE_CONTEXT)[0];
    if (time === undefined || other === undefined || otherValue === undefined) return undefined;
    const probes = timeProbes(time.partitions as TimePartitionsDefinition).map((timeKey) => partitions.join({ [time.name]: timeKey, [other.name]: otherValue }));
    // Earlier means an earlier time value; a key of another dimension value at the same time is not earlier.
    const timeOf = (key: string) => partitions.split(key)[time.name] ?? "";
    return { probes, compare: (a, b) => compareCodeUnits(timeOf(a), timeOf(b)) };
  }
  return undefined;
}

/** The first few in-range keys. Keys of one time granularity sort chronologically (YYYY-MM[-DD[THH]]). */
function timeProbes(time: TimePartitionsDefinition): string[] {
  const first = time.keyForTime(time.start);
  const probes = [first];
  for (let n = 1; n < TIME_PROBES; n++) {
    const key = time.offsetKey(first, n);
    if (time.isOutOfRange(key)) break;
    probes.push(key);
  }
  return probes;
}

/** Every key the mapping asks for, existing or not. */
function readKeys(key: string, mapping: PartitionMapping, partitions: PartitionsDefinition, probe: string): string[] {
  try {
    const upstream = mapping.upstreamFor(probe, partitions, partitions, PROBE_CONTEXT);
    return [...upstream.keys, ...upstream.nonexistent];
  } catch (error) {
    throw new AssetGraphError(
      `Self-dependency of "${key}" with ${mapping.describe()} fails for partition ${probe}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
