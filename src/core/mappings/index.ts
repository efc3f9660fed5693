/** Partition mappings: which upstream partitions a downstream partition reads, and the reverse. */
export type { PartitionMapping, UpstreamPartitions } from "./types";
export { identityMapping } from "./identity";
export { allMapping } from "./all";
export { timeWindowMapping } from "./time-window";
export type { TimeWindowMappingOptions } from "./time-window";
export { lastMapping } from "./last";
export { specificKeysMapping } from "./specific-keys";
export { multiToSingleMapping } from "./multi-to-single";
export { defaultMapping } from "./default";
