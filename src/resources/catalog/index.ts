export { Catalog, CatalogError, logicalVersion, type PublishInput, type MaterializationSummary } from "./catalog";
export * from "./manifest";
export * from "./layout";
export { Lease, LeaseLostError, type LeaseOptions, type LeaseRecord } from "./lease";
export { PartitionIndex, PartitionIndexError, COMPACT_AT, mergeEntry, type PartitionIndexEntry, type IndexedVersion, type IndexedChecks, type IndexSnapshot } from "./partition-index";
