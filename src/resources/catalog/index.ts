export { Catalog, CatalogError, logicalVersion, type PublishInput, type MaterializationSummary } from "./catalog";
export * from "./manifest";
export * from "./layout";
export { Lease, LeaseLostError, type LeaseOptions, type LeaseRecord } from "./lease";
