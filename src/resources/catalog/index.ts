export { Catalog, CatalogError, logicalVersion, type PublishInput, type MaterializationSummary } from "./catalog";
export * from "./manifest";
export * from "./layout";
