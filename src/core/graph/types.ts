/**
 * The asset graph's vocabulary. A node is one asset key; a step is the unit
 * of execution that materializes one or more nodes (an asset, or all the
 * outputs of a multi-asset at once). Source assets are nodes without a step.
 */
import type { AnyAssetDefinition, AssetDefinition, MultiAssetDefinition, RetrySpec, TimeoutSpec } from "../definitions/asset";
import type { CheckDefinition } from "../definitions/check";
import type { PartitionMapping } from "../mappings/types";
import type { PartitionsDefinition } from "../partitions/types";

/** `asset`: defineAsset; `multi-output`: one output of defineMultiAsset; `source`: defineSourceAsset (never materialized). */
export type AssetNodeKind = "asset" | "multi-output" | "source";

/** A dependency edge with its partition mapping resolved (explicit, or the default for the two definitions). */
export interface ResolvedDep {
  /** The upstream asset key. */
  asset: string;
  /** The DuckDB view name the upstream is visible as. */
  as: string;
  mapping: PartitionMapping;
  /** True when the author gave the mapping; false when it is `defaultMapping(downstream, upstream)`. */
  explicitMapping: boolean;
  /**
   * True for an asset reading earlier partitions of itself. Such an edge
   * orders partitions of one asset, not assets, so it is left out of
   * parents/children, traversal and topological order.
   */
  self: boolean;
}

export interface AssetNode {
  key: string;
  kind: AssetNodeKind;
  /** The definition that declares this node (for a multi-output: the whole multi-asset). */
  definition: AnyAssetDefinition;
  /** The step that materializes this node; undefined for source assets. */
  step: string | undefined;
  group: string;
  description: string | undefined;
  tags: Readonly<Record<string, string>>;
  owners: readonly string[];
  partitions: PartitionsDefinition | undefined;
  /** Undefined for source assets: their version is what `observe` reports. */
  codeVersion: string | undefined;
  retry: RetrySpec | undefined;
  timeout: TimeoutSpec | undefined;
  deps: readonly ResolvedDep[];
  /** The asset's own checks plus those attached with defineCheck, in declaration order. */
  checks: readonly CheckDefinition[];
  /** May a partition that had rows be republished with none? False unless the asset says so (see `allowEmpty`). */
  allowEmpty: boolean;
}

/** One unit of execution. */
export interface AssetStep {
  name: string;
  kind: "asset" | "multi";
  definition: AssetDefinition | MultiAssetDefinition;
  /** The asset keys this step materializes (one for an asset; the outputs, in declaration order, for a multi-asset). */
  keys: readonly string[];
  partitions: PartitionsDefinition | undefined;
  /** Steps producing assets this step reads (itself excluded), sorted. */
  upstreamSteps: readonly string[];
  /** Source assets this step reads, sorted. */
  upstreamSources: readonly string[];
}
