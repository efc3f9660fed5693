/** The asset graph: nodes (asset keys), steps (units of execution) and their dependencies. */
export { AssetGraph, compareKeys } from "./asset-graph";
export { buildAssetGraph } from "./build";
export type { AssetNode, AssetNodeKind, AssetStep, ResolvedDep } from "./types";
