/**
 * Staleness from the catalog: load the manifests and source observations a
 * set of asset partitions depends on, then let core's pure StalenessResolver
 * decide missing / stale (why) / fresh.
 */
import { StalenessResolver, type Definitions, type PartitionKeyContext, type PartitionStatus, type RecordedVersion } from "../core";
import type { Manifest } from "../resources/catalog";
import type { ExecutionEnvironment } from "./environment";
import { objectReader } from "./inputs";

export interface AssetPartitionStatus {
  asset: string;
  partition: string | null;
  status: PartitionStatus;
  manifest: Manifest | undefined;
}

export async function assetStatuses(
  definitions: Definitions,
  env: ExecutionEnvironment,
  request: { assets: readonly string[]; partitions: readonly string[]; context?: PartitionKeyContext },
): Promise<AssetPartitionStatus[]> {
  const { graph } = definitions;
  const manifests = new Map<string, Manifest | undefined>();
  const observations = new Map<string, string | undefined>();
  const id = (asset: string, partition: string | null): string => `${asset}\u0000${partition ?? ""}`;

  // Breadth-first over everything the requested partitions read, so the pure resolver has it all.
  const queue: Array<[string, string | null]> = [];
  for (const asset of request.assets) {
    const partitioned = graph.node(asset).partitions !== undefined;
    for (const partition of partitioned ? request.partitions : [null]) queue.push([asset, partition]);
  }
  const visited = new Set<string>();
  while (queue.length > 0) {
    const [asset, partition] = queue.shift()!;
    if (visited.has(id(asset, partition))) continue;
    visited.add(id(asset, partition));
    const node = graph.node(asset);
    if (node.kind === "source") {
      const definition = node.definition;
      if (definition.type === "source") {
        const observed = await definition.observe({ partitionKey: partition ?? undefined, objects: objectReader(env.store, env.scratchRoot) });
        observations.set(id(asset, partition), observed?.dataVersion);
      }
      continue;
    }
    const manifest = await env.catalog.readManifest(asset, partition);
    manifests.set(id(asset, partition), manifest);
    if (!manifest) continue;
    for (const dep of node.deps) {
      const upstream = graph.node(dep.asset);
      const mapped = dep.mapping.upstreamFor(partition ?? undefined, node.partitions, upstream.partitions, request.context);
      for (const key of upstream.partitions === undefined ? [null] : mapped.keys) queue.push([dep.asset, key]);
    }
  }

  const resolver = new StalenessResolver({
    graph,
    recorded: (asset, partition): RecordedVersion | undefined => manifests.get(id(asset, partition)),
    observed: (asset, partition) => observations.get(id(asset, partition)),
    ...(request.context ? { context: request.context } : {}),
  });
  const rows: AssetPartitionStatus[] = [];
  for (const asset of request.assets) {
    const partitioned = graph.node(asset).partitions !== undefined;
    for (const partition of partitioned ? request.partitions : [null]) {
      rows.push({ asset, partition, status: resolver.status(asset, partition), manifest: manifests.get(id(asset, partition)) });
    }
  }
  return rows;
}
