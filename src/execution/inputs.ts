/**
 * Resolve a step's inputs: partition mappings turn the step's partition into
 * upstream partitions; their manifests name the data objects; each
 * dependency becomes a DuckDB view named after it. Source dependencies are
 * observed (their versions recorded) and read by the asset itself.
 */
import { type AssetGraph, type AssetStep, type ObjectReader, type PartitionKeyContext, type ResolvedDep } from "../core";
import type { Catalog, UpstreamVersion } from "../resources/catalog";
import type { DuckDbSession } from "../resources/duckdb";
import type { ObjectStore } from "../resources/object-store";
import { MissingInputError } from "./errors";

export interface ResolvedInputs {
  upstream: UpstreamVersion[];
  /** The upstream versions one of the step's partitions read (a group's members each record their own). */
  upstreamOf(partition: string | null): UpstreamVersion[];
  /** Upstream partition keys per view name ([] when every optional partition is missing). */
  upstreamPartitions: Record<string, string[]>;
}

export function objectReader(store: ObjectStore, scratchDir: string): ObjectReader {
  return {
    list: (prefix) => store.list(prefix),
    localPath: (key) => store.localPath(key, scratchDir),
  };
}

export async function resolveInputs(args: {
  graph: AssetGraph;
  step: AssetStep;
  /** The step's partitions: one, or a group materialized together (their upstream partitions, unioned, in each view). */
  partitions: ReadonlyArray<string | null>;
  catalog: Catalog;
  store: ObjectStore;
  db: DuckDbSession;
  scratchDir: string;
  context?: PartitionKeyContext;
}): Promise<ResolvedInputs> {
  const { graph, step, partitions } = args;
  const upstream: UpstreamVersion[] = [];
  /** Per member partition: the upstream (asset, partition) ids it reads. */
  const reads = new Map<string | null, Set<string>>(partitions.map((p) => [p, new Set<string>()]));
  const id = (asset: string, key: string | null): string => `${asset}\u0000${key ?? ""}`;
  const upstreamPartitions: Record<string, string[]> = {};
  const seen = new Set<string>();
  for (const key of step.keys) {
    const node = graph.node(key);
    for (const dep of node.deps) {
      if (seen.has(dep.as)) continue;
      seen.add(dep.as);
      const upstreamNode = graph.node(dep.asset);
      const keys: Array<string | null> = [];
      for (const partition of partitions) {
        const mapped = dep.mapping.upstreamFor(partition ?? undefined, node.partitions, upstreamNode.partitions, args.context);
        for (const key of upstreamNode.partitions === undefined ? [null] : mapped.keys) {
          reads.get(partition)!.add(id(dep.asset, key));
          if (!keys.includes(key)) keys.push(key);
        }
      }
      // An unpartitioned upstream is always required; partitions may be optional per the mapping.
      const optional = dep.mapping.allowNonexistentUpstream && upstreamNode.partitions !== undefined;
      if (upstreamNode.kind === "source") {
        upstream.push(...(await observeSource(args, dep, keys, optional)));
        upstreamPartitions[dep.as] = keys.filter((k): k is string => k !== null);
        continue;
      }
      const files: string[] = [];
      const present: string[] = [];
      const missing: Array<string | null> = [];
      for (const upstreamKey of keys) {
        const manifest = await args.catalog.readManifest(dep.asset, upstreamKey);
        if (!manifest) {
          missing.push(upstreamKey);
          continue;
        }
        files.push(await args.store.localPath(manifest.dataKey, args.scratchDir));
        if (upstreamKey !== null) present.push(upstreamKey);
        upstream.push({ asset: dep.asset, partition: upstreamKey, dataVersion: manifest.dataVersion });
      }
      if (missing.length > 0 && !optional) throw missingInput(dep, missing);
      upstreamPartitions[dep.as] = present;
      if (files.length > 0) await args.db.registerParquetView(dep.as, files);
      else await registerEmptyView(args, dep);
    }
  }
  return { upstream, upstreamPartitions, upstreamOf: (partition) => upstream.filter((u) => reads.get(partition)?.has(id(u.asset, u.partition)) ?? false) };
}

async function observeSource(
  args: { graph: AssetGraph; store: ObjectStore; scratchDir: string },
  dep: ResolvedDep,
  keys: Array<string | null>,
  optional: boolean,
): Promise<UpstreamVersion[]> {
  const definition = args.graph.node(dep.asset).definition;
  if (definition.type !== "source") return [];
  const versions: UpstreamVersion[] = [];
  const missing: Array<string | null> = [];
  for (const key of keys) {
    const observation = await definition.observe({ partitionKey: key ?? undefined, objects: objectReader(args.store, args.scratchDir) });
    if (observation === undefined) missing.push(key);
    else versions.push({ asset: dep.asset, partition: key, dataVersion: observation.dataVersion });
  }
  if (missing.length > 0 && !optional) {
    throw new MissingInputError(
      `Source "${dep.asset}" has no data for ${describePartitions(missing)}.`,
      "Deliver the source data (e.g. the vendor file in the landing area) and run again.",
    );
  }
  return versions;
}

/**
 * Every optional upstream partition is missing (e.g. the first partition of
 * a self-dependency, or a lookahead past the data): an empty view with the
 * asset's last known schema, so SQL referencing it still binds.
 */
async function registerEmptyView(args: { catalog: Catalog; db: DuckDbSession }, dep: ResolvedDep): Promise<void> {
  const known = await args.catalog.listMaterializations(dep.asset);
  const sample = known[0] ? await args.catalog.readManifest(dep.asset, known[0].partitionKey) : undefined;
  if (!sample) return;
  const columns = sample.schema.map((c) => `CAST(NULL AS ${c.type}) AS ${args.db.ident(c.name)}`).join(", ");
  await args.db.run(`CREATE OR REPLACE VIEW ${args.db.ident(dep.as)} AS SELECT ${columns} WHERE false`);
}

function missingInput(dep: ResolvedDep, missing: Array<string | null>): MissingInputError {
  const partitions = missing.filter((k): k is string => k !== null);
  const command = `materia materialize --select "key:${dep.asset}"${partitions.length > 0 ? ` --partition ${partitions[0]}` : ""}`;
  return new MissingInputError(`"${dep.asset}" has never been materialized for ${describePartitions(missing)}.`, `Materialize it first, e.g. \`${command}\`, or include it in the selection.`);
}

function describePartitions(keys: Array<string | null>): string {
  if (keys.length === 1 && keys[0] === null) return "its (unpartitioned) data";
  const list = keys.filter((k): k is string => k !== null);
  return `partition${list.length > 1 ? "s" : ""} ${list.slice(0, 5).join(", ")}${list.length > 5 ? ", …" : ""}`;
}


/**
 * Another asset's published partitions as a view `published_<asset>` (for
 * checks that compare with other assets); undefined keys = unpartitioned.
 */
export async function publishedView(
  args: { catalog: Catalog; store: ObjectStore; db: DuckDbSession; scratchDir: string },
  assetKey: string,
  partitionKeys?: string[],
): Promise<string> {
  const keys: Array<string | null> = partitionKeys ?? [null];
  const files: string[] = [];
  for (const key of keys) {
    const manifest = await args.catalog.readManifest(assetKey, key);
    if (manifest) files.push(await args.store.localPath(manifest.dataKey, args.scratchDir));
  }
  if (files.length === 0) {
    throw new MissingInputError(`"${assetKey}" has no published data for ${keys.map((k) => k ?? "its data").join(", ")}.`, `Materialize "${assetKey}" first.`);
  }
  const view = `published_${assetKey.replace(/\W/g, "_")}`;
  await args.db.registerParquetView(view, files);
  return view;
}
