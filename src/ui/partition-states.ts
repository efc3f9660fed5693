/**
 * Every partition's state from the partition index, without reading
 * manifests: the index entries of an asset and of everything upstream of it
 * feed core's StalenessResolver (the same causes `materia status` prints),
 * source assets are observed for the partitions the index says were read,
 * and running partitions come from Temporal.
 *
 *   running       a run of it is under way
 *   failed        its latest evaluation failed a blocking check (nothing published by it)
 *   check-failed  published, but a non-blocking check failed
 *   missing       never published
 *   stale         published; code or an upstream version changed since (causes say which)
 *   fresh         published and up to date
 */
import {
  StalenessResolver,
  type Definitions,
  type PartitionKeyContext,
  type PartitionStatus,
  type RecordedVersion,
  type StaleCause,
} from "../core";
import { objectReader, partitionContext } from "../execution";
import type { IndexSnapshot, PartitionIndexEntry } from "../resources/catalog";
import type { UiContext } from "./context";

export const PARTITION_STATES = ["running", "failed", "check-failed", "stale", "missing", "fresh"] as const;
export type PartitionState = (typeof PARTITION_STATES)[number];

export interface PartitionRow {
  partition: string | null;
  state: PartitionState;
  entry: PartitionIndexEntry | undefined;
  causes: StaleCause[];
}

export type StateCounts = Record<PartitionState, number>;

const INDEX_TTL_MS = 2_000;
const OBSERVATION_TTL_MS = 15_000;
const OBSERVE_CONCURRENCY = 16;

/**
 * Reads through short-lived caches, so a page and its live fragments
 * polling every few seconds do not re-read every index each time.
 */
export class CatalogView {
  private readonly indexes = new Map<string, { at: number; snapshot: Promise<IndexSnapshot> }>();
  private readonly observations = new Map<string, { at: number; version: Promise<string | undefined> }>();
  private contextCache: { at: number; context: Promise<PartitionKeyContext> } | undefined;

  constructor(private readonly ctx: UiContext) {}

  /** The index cache is dropped after an action (materialize, rollback) so the next read is current. */
  invalidate(): void {
    // Expire rather than forget: the next read still skips re-reading an index that did not move.
    for (const cached of this.indexes.values()) cached.at = 0;
    this.contextCache = undefined;
  }

  async partitionContext(definitions: Definitions): Promise<PartitionKeyContext> {
    const now = Date.now();
    if (!this.contextCache || now - this.contextCache.at > INDEX_TTL_MS) this.contextCache = { at: now, context: partitionContext(definitions, this.ctx.catalog) };
    return this.contextCache.context;
  }

  /**
   * An asset's index entries. Within the TTL the cached read is used as is;
   * after it, one listing says whether the index moved on, and only then is
   * it read again (two or three requests on S3 instead of one).
   */
  async index(asset: string): Promise<Map<string | null, PartitionIndexEntry>> {
    const now = Date.now();
    const cached = this.indexes.get(asset);
    if (cached && now - cached.at <= INDEX_TTL_MS) return (await cached.snapshot).entries;
    const snapshot = (async (): Promise<IndexSnapshot> => {
      const previous = cached ? await cached.snapshot.catch(() => undefined) : undefined;
      if (previous && (await this.ctx.catalog.index.generation(asset)) === previous.generation) return previous;
      return this.ctx.catalog.index.read(asset);
    })();
    this.indexes.set(asset, { at: now, snapshot });
    snapshot.catch(() => this.indexes.delete(asset));
    return (await snapshot).entries;
  }

  /** The partition rows of each asset in `assets` (all their partitions), in key order. */
  async rows(definitions: Definitions, assets: readonly string[], running: ReadonlySet<string>): Promise<Map<string, PartitionRow[]>> {
    const { graph } = definitions;
    const context = await this.partitionContext(definitions);
    // Everything upstream, since "upstream is stale" needs the upstream's own state.
    const closure = new Set<string>([...assets, ...graph.ancestors(assets)]);
    const materializable = [...closure].filter((key) => graph.node(key).kind !== "source");
    const indexes = new Map(await Promise.all(materializable.map(async (key) => [key, await this.index(key)] as const)));
    const observed = await this.observeSources(definitions, indexes);
    const resolver = new StalenessResolver({
      graph,
      recorded: (asset, partition): RecordedVersion | undefined => {
        const version = indexes.get(asset)?.get(partition)?.version;
        return version ? { dataVersion: version.dataVersion, codeVersion: version.codeVersion, upstream: version.upstream } : undefined;
      },
      observed: (asset, partition) => observed.get(observationId(asset, partition)),
      context,
    });
    const result = new Map<string, PartitionRow[]>();
    for (const asset of assets) {
      const node = graph.node(asset);
      if (node.kind === "source") continue;
      const keys: Array<string | null> = node.partitions ? node.partitions.keys(context) : [null];
      const index = indexes.get(asset) ?? new Map<string | null, PartitionIndexEntry>();
      result.set(
        asset,
        keys.map((partition) => {
          const entry = index.get(partition);
          const status = resolver.status(asset, partition);
          return { partition, entry, state: stateOf(entry, status, running.has(runningId(asset, partition))), causes: status.status === "stale" ? status.causes : [] };
        }),
      );
    }
    return result;
  }

  /**
   * Observe each source partition some indexed version read (those are the
   * ones staleness compares), a few at a time, cached for a little while:
   * observing may head a landing file.
   */
  private async observeSources(definitions: Definitions, indexes: Map<string, Map<string | null, PartitionIndexEntry>>): Promise<Map<string, string | undefined>> {
    const { graph } = definitions;
    const wanted = new Map<string, { asset: string; partition: string | null }>();
    for (const entries of indexes.values()) {
      for (const entry of entries.values()) {
        for (const upstream of entry.version?.upstream ?? []) {
          if (graph.has(upstream.asset) && graph.node(upstream.asset).kind === "source") wanted.set(observationId(upstream.asset, upstream.partition), upstream);
        }
      }
    }
    const result = new Map<string, string | undefined>();
    const queue = [...wanted.entries()];
    const now = Date.now();
    const work = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [id, { asset, partition }] = next;
        let cached = this.observations.get(id);
        if (!cached || now - cached.at > OBSERVATION_TTL_MS) {
          const definition = graph.node(asset).definition;
          const version =
            definition.type === "source"
              ? definition
                  .observe({ partitionKey: partition ?? undefined, objects: objectReader(this.ctx.store, this.ctx.scratchRoot) })
                  .then((o) => o?.dataVersion)
                  .catch((error: unknown) => {
                    this.ctx.log.warn({ err: error, asset, partition }, "ui: observing a source failed");
                    return undefined;
                  })
              : Promise.resolve(undefined);
          cached = { at: now, version };
          this.observations.set(id, cached);
        }
        result.set(id, await cached.version);
      }
    };
    await Promise.all(Array.from({ length: OBSERVE_CONCURRENCY }, work));
    return result;
  }
}

export function runningId(asset: string, partition: string | null): string {
  return `${asset}\u0000${partition ?? ""}`;
}

function observationId(asset: string, partition: string | null): string {
  return `${asset}\u0000${partition ?? ""}`;
}

/** The one state a partition shows (see the table at the top). */
export function stateOf(entry: PartitionIndexEntry | undefined, status: PartitionStatus, running: boolean): PartitionState {
  if (running) return "running";
  const checks = entry?.checks;
  const version = entry?.version;
  if (checks && checks.failedBlocking > 0 && (!version || checks.evaluatedAt >= version.publishedAt)) return "failed";
  if (status.status === "missing") return "missing";
  if (checks && checks.failed > 0 && version && checks.runId === version.runId) return "check-failed";
  return status.status;
}

export function countStates(rows: readonly PartitionRow[]): StateCounts {
  const counts = Object.fromEntries(PARTITION_STATES.map((s) => [s, 0])) as StateCounts;
  for (const row of rows) counts[row.state]++;
  return counts;
}

/** The state an asset node shows in the graph: the most urgent of its partitions', missing only when nothing is published. */
export function assetState(counts: StateCounts): PartitionState {
  for (const state of ["running", "failed", "check-failed", "stale"] as const) if (counts[state] > 0) return state;
  return counts.fresh > 0 ? "fresh" : "missing";
}
