/**
 * The mapping a dependency gets when it declares none:
 * - equal definitions (or both unpartitioned): identity;
 * - one side unpartitioned: all;
 * - two time definitions (other granularity, start or timezone), or two
 *   multi definitions with a time dimension and the same other dimension:
 *   time window by overlap (fan-in / fan-out);
 * - multi and single where one of the multi's dimensions equals the single:
 *   multi-to-single on that dimension.
 * Anything else must be declared explicitly.
 */
import { PartitionMappingError } from "../errors";
import { isMultiPartitions, isTimePartitions, samePartitions } from "../partitions/guards";
import type { MultiPartitionsDefinition, PartitionsDefinition } from "../partitions/types";
import { allMapping } from "./all";
import { identityMapping } from "./identity";
import { multiToSingleMapping } from "./multi-to-single";
import { describePair } from "./shared";
import { timeWindowMapping } from "./time-window";
import type { PartitionMapping } from "./types";

export function defaultMapping(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): PartitionMapping {
  if (samePartitions(downstream, upstream)) return identityMapping();
  if (downstream === undefined || upstream === undefined) return allMapping();
  if (isTimePartitions(downstream) && isTimePartitions(upstream)) return timeWindowMapping();
  if (isMultiPartitions(downstream) && isMultiPartitions(upstream)) {
    const timeWindow = timeWindowMapping();
    if (fits(timeWindow, downstream, upstream)) return timeWindow;
  }
  const shared = isMultiPartitions(downstream) ? sharedDimension(downstream, upstream) : isMultiPartitions(upstream) ? sharedDimension(upstream, downstream) : undefined;
  if (shared !== undefined) return multiToSingleMapping(shared);
  throw new PartitionMappingError(`No default partition mapping fits ${describePair(downstream, upstream)}.`, {
    hint:
      "Declare the dependency's mapping explicitly, e.g. { asset: ..., mapping: allMapping() }, specificKeysMapping([...]), " +
      "timeWindowMapping({ ... }) or multiToSingleMapping(dimension).",
  });
}

/** The name of the multi definition's dimension equal to `single`, if any. */
function sharedDimension(multi: MultiPartitionsDefinition, single: PartitionsDefinition): string | undefined {
  if (isMultiPartitions(single)) return undefined;
  return multi.dimensions.find((dimension) => dimension.partitions.id === single.id)?.name;
}

function fits(mapping: PartitionMapping, downstream: PartitionsDefinition, upstream: PartitionsDefinition): boolean {
  try {
    mapping.validate(downstream, upstream);
    return true;
  } catch (error) {
    if (error instanceof PartitionMappingError) return false;
    throw error;
  }
}
